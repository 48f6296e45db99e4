import type { Assignment } from './api-types';

/** What to do with a deployment assignment now: install it, or say why not yet. */
export type Decision = { install: true } | { install: false; reason: string };

/** Minutes after midnight of `at` in `timeZone` (UTC when the zone is unknown to this machine). */
export function minutesIn(timeZone: string, at: Date): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  } catch {
    return at.getUTCHours() * 60 + at.getUTCMinutes();
  }
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return n('hour') * 60 + n('minute');
}

/** A window from start to end (end < start wraps midnight; equal means all day). */
export function inWindow(w: { startMinute: number; endMinute: number; timeZone: string }, at: Date): boolean {
  if (w.startMinute === w.endMinute) return true;
  const m = minutesIn(w.timeZone, at);
  return w.startMinute < w.endMinute ? m >= w.startMinute && m < w.endMinute : m >= w.startMinute || m < w.endMinute;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * The rules for one assignment, by the server's clock (`now` comes from check-in, so a device
 * with a wrong clock still follows the schedule):
 * - never before availableFrom, never before a big-bang cut-over;
 * - a required one waits while postponed (agent postpone, or My software) and outside its daily window,
 *   until its deadline: at and after the deadline it installs regardless;
 * - an available one installs only once its user chose "install now" (it then has an entitlement).
 */
export function decide(a: Assignment, now: Date): Decision {
  if (!a.artifact) return { install: false, reason: 'no build of this release for this platform' };
  if (now < new Date(a.availableFrom)) return { install: false, reason: `available from ${a.availableFrom}` };
  if (a.cutoverAt && now < new Date(a.cutoverAt)) return { install: false, reason: `big-bang cut-over at ${a.cutoverAt}` };
  if (!a.entitlementId) {
    return a.intent === 'available'
      ? { install: false, reason: 'available: choose "Install now" on the portal’s My software page' }
      : { install: false, reason: 'not granted yet' };
  }
  if (a.intent === 'available') return { install: true };
  const pastDeadline = a.deadline !== null && now >= new Date(a.deadline);
  if (pastDeadline) return { install: true };
  if (a.postponedUntil && now < new Date(a.postponedUntil)) return { install: false, reason: `postponed until ${a.postponedUntil}` };
  if (a.window && !inWindow(a.window, now)) {
    return {
      install: false,
      reason: `outside the maintenance window ${hhmm(a.window.startMinute)}–${hhmm(a.window.endMinute)} ${a.window.timeZone}`,
    };
  }
  return { install: true };
}
