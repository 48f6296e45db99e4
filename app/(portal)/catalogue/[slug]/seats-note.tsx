import type { SeatsLeft } from '@/lib/requests/seats';

/** Seats left, said before anyone asks; with none left, what a request will meet (the product's rule). */
export function SeatsNote({ seats }: { seats: SeatsLeft }) {
  const none = seats.free === 0;
  return (
    <p
      data-testid="seats-left"
      className={`mt-2 rounded-md border px-3 py-2 ${none ? 'border-amber-200 bg-amber-50 text-amber-950' : 'border-slate-200 bg-slate-50 text-slate-800'}`}
    >
      {!none
        ? `${seats.free} of ${seats.limit} licence seats left. A seat is taken when a request is approved.`
        : seats.whenNone === 'wait'
          ? `No seats left (all ${seats.limit} in use): an approved request waits until a seat is released${seats.waiting > 0 ? `, after the ${seats.waiting} already waiting` : ''}.`
          : `No seats left (all ${seats.limit} in use): a request now is refused when approved, unless a seat is released first.`}
    </p>
  );
}
