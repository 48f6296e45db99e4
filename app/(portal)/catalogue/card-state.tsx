import type { CardDeviceState } from '@/lib/catalogue/device-state';

const requestedText: Record<string, string> = {
  submitted: 'Requested',
  pending_approval: 'Requested, waiting for approval',
  waiting_for_seat: 'Approved, waiting for a licence seat',
  approved: 'Approved, ready to download',
};

/** One line on a catalogue card: the product's state on the chosen device (the product page says the same at length). */
export function CardState({ state, hostname }: { state: CardDeviceState | undefined; hostname: string }) {
  if (!state) return null;
  const [tone, text] =
    state.kind === 'update'
      ? (['bg-amber-50 text-amber-900 ring-amber-200', `Update available: ${state.installed} → ${state.current}`] as const)
      : state.kind === 'installed'
        ? (['bg-emerald-50 text-emerald-900 ring-emerald-200', `Installed ${state.version}`] as const)
        : state.kind === 'entitled'
          ? (['bg-emerald-50 text-emerald-900 ring-emerald-200', 'Yours to install'] as const)
          : (['bg-sky-50 text-sky-900 ring-sky-200', requestedText[state.status] ?? 'Requested'] as const);
  return (
    <p
      className={`mt-2 inline-block rounded-md px-2 py-0.5 text-xs font-medium ring-1 ${tone}`}
      data-testid="card-state"
      data-state={state.kind}
    >
      {text}
      <span className="sr-only"> on {hostname}</span>
    </p>
  );
}
