import { and, desc, eq, notExists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb } from '@/db';
import { installEvents } from '@/db/schema';

/*
 * What a device runs now is derived from the ledger, never stored beside it, so the two cannot
 * disagree. The rule, used by the SQL below and by the replay that draws adoption over time:
 * per device and product, the latest `install_succeeded` is current, unless an `uninstalled`
 * of that same release follows it. An uninstall of another release (the old version removed
 * after an upgrade) leaves the new one current; a failed install or a download changes nothing.
 */

/**
 * The current install of each device and product, for one device or one product. The scope is
 * applied to the uninstall probe as well, so for a product both sides are index-only range
 * scans of install_events_product_outcomes_idx instead of a pass over every uninstall.
 */
export function currentInstallsQuery(scope: { deviceId: string } | { productId: string }) {
  const db = getDb();
  const e = installEvents;
  const u = alias(installEvents, 'u');
  const [inScope, uInScope] =
    'deviceId' in scope
      ? [eq(e.deviceId, scope.deviceId), eq(u.deviceId, scope.deviceId)]
      : [eq(e.productId, scope.productId), eq(u.productId, scope.productId)];
  const latest = db
    .selectDistinctOn([e.deviceId, e.productId], {
      id: e.id,
      deviceId: e.deviceId,
      productId: e.productId,
      releaseId: e.releaseId,
      artifactId: e.artifactId,
      requestId: e.requestId,
      sha256: e.sha256,
      occurredAt: e.occurredAt,
    })
    .from(e)
    .where(and(eq(e.type, 'install_succeeded'), inScope))
    .orderBy(e.deviceId, e.productId, desc(e.occurredAt), desc(e.id))
    .as('latest');
  const removed = db
    .select({ one: sql`1` })
    .from(u)
    .where(
      and(
        uInScope,
        eq(u.deviceId, latest.deviceId),
        eq(u.releaseId, latest.releaseId),
        eq(u.type, 'uninstalled'),
        sql`(${u.occurredAt}, ${u.id}) > (${latest.occurredAt}, ${latest.id})`,
      ),
    );
  return { latest, removed: notExists(removed) };
}

export interface LedgerStep {
  deviceId: string;
  releaseId: string;
  type: 'install_succeeded' | 'uninstalled';
  occurredAt: Date;
}

/**
 * Replays one product's installs and uninstalls, in (occurred_at, id) order, and reports how
 * many devices ran each release at the end of each day: `counts[i]` maps release → devices at
 * `dayEnds[i]`. The last day counts everything, so it matches `currentInstallsQuery` even when a
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
