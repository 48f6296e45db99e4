const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function span(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  if (ms < HOUR) return `${Math.floor(ms / 60_000)} min`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.floor(ms / DAY)} days`;
}

/** "3 h ago", computed on the server so it never differs between server and browser render. */
export const ago = (d: Date, now: Date) => (now.getTime() - d.getTime() < 60_000 ? 'just now' : `${span(now.getTime() - d.getTime())} ago`);

/** How long is left until a due date, and whether it is under a day (worth highlighting). */
export function dueIn(d: Date | null, now: Date): { label: string; soon: boolean } | null {
  if (!d) return null;
  const left = d.getTime() - now.getTime();
  if (left <= 0) return { label: 'overdue', soon: true };
  return { label: `in ${span(left)}`, soon: left < DAY };
}
