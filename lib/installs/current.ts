/*
 * What a device runs now is derived from the ledger. The rule, used by the SQL that keeps
 * device_current_installs (./current-table.ts) and by the replay that draws adoption over time:
 * per device and product, the latest `install_succeeded` is current, unless an `uninstalled`
 * of that same release follows it. An uninstall of another release (the old version removed
 * after an upgrade) leaves the new one current; a failed install or a download changes nothing.
 * The table is kept in the transaction that records each event and can be checked against the
 * ledger at any time (`npm run db:check-current`), so readers use the table: O(devices).
 */

export interface LedgerStep {
  deviceId: string;
  releaseId: string;
  type: 'install_succeeded' | 'uninstalled';
  occurredAt: Date;
}

/**
 * Replays one product's installs and uninstalls, in (occurred_at, id) order, and reports how
 * many devices ran each release at the end of each day: `counts[i]` maps release → devices at
 * `dayEnds[i]`. The last day counts everything, so it matches device_current_installs even when a
 * device's clock reported a time later today.
 */
export function replayAdoption(steps: Iterable<LedgerStep>, dayEnds: Date[]): Map<string, number>[] {
  const current = new Map<string, string>();
  const counts = new Map<string, number>();
  const bump = (release: string, by: number) => counts.set(release, (counts.get(release) ?? 0) + by);
  const out: Map<string, number>[] = [];
  let day = 0;
  const snapshotUntil = (t: number) => {
    while (day < dayEnds.length - 1 && dayEnds[day]!.getTime() <= t) {
      out.push(new Map(counts));
      day++;
    }
  };
  for (const s of steps) {
    snapshotUntil(s.occurredAt.getTime());
    const was = current.get(s.deviceId);
    if (s.type === 'install_succeeded') {
      if (was) bump(was, -1);
      current.set(s.deviceId, s.releaseId);
      bump(s.releaseId, 1);
    } else if (was === s.releaseId) {
      current.delete(s.deviceId);
      bump(was, -1);
    }
  }
  while (out.length < dayEnds.length) out.push(new Map(counts));
  return out;
}
