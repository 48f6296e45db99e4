import { and, desc, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { installEvents, products, releases, serviceRequests, type RequestStatus } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import type { Pull } from '@/lib/devices/pulls';
import { waitingFor } from '@/lib/requests/device-product-state';

/** A newer release the device is already offered (listPulls) for something the ledger says is installed. */
export interface UpdateAvailable {
  product: { slug: string; name: string };
  from: string;
  to: string;
  /** The request whose page offers the download (browser installs); null for a deployment's grant. */
  requestId: string | null;
}

/** A request of the owner for this device that is not done yet. */
export interface WaitingItem {
  requestId: string;
  product: { slug: string; name: string };
  status: Extract<RequestStatus, 'submitted' | 'pending_approval' | 'waiting_for_seat' | 'approved'>;
  /** Who a pending approval waits for (names), empty otherwise. */
  approvers: string[];
  since: Date;
}

export type FailureType = 'download_failed' | 'install_failed' | 'uninstall_failed';

/** A product whose latest outcome on the device is a failure. */
export interface FailedItem {
  product: { slug: string; name: string };
  version: string;
  type: FailureType;
  errorText: string | null;
  at: Date;
  /**
   * Whether the agent tries again by itself: it installs every offered pull it does not have at
   * each sync (agent/sync.ts keeps no back-off), so an install failure is retried while the item is
   * still offered. An uninstall failure is retried through its removal's Retry.
   */
  offeredAgain: boolean;
}

const failureTypes: FailureType[] = ['download_failed', 'install_failed', 'uninstall_failed'];
const outcomeTypes = ['install_succeeded', 'uninstalled', ...failureTypes] as const;

/**
 * Updates: for each installed product, the pull the device is offered now when it resolves to a
 * release published after the installed one (an "includes later releases" entitlement moves to the
 * newest published release; an exact one stays put, so it never shows an update). Using the pulls
 * list itself means what the page calls an update is exactly what the agent will fetch.
 */
export async function updatesFor(
  installed: { product: { slug: string; name: string }; releaseId: string; version: string }[],
  pulls: Pull[],
): Promise<UpdateAvailable[]> {
  const candidates = installed.flatMap((i) => {
    const pull = pulls.find((p) => p.product.slug === i.product.slug && p.release.id !== i.releaseId);
    return pull ? [{ i, pull }] : [];
  });
  if (candidates.length === 0) return [];
  const ids = [...new Set(candidates.flatMap(({ i, pull }) => [i.releaseId, pull.release.id]))];
  const published = new Map(
    (await getDb().select({ id: releases.id, at: releases.publishedAt }).from(releases).where(inArray(releases.id, ids))).map((r) => [
      r.id,
      r.at,
    ]),
  );
  return candidates
    .filter(({ i, pull }) => {
      const [was, now] = [published.get(i.releaseId), published.get(pull.release.id)];
      return !!now && (!was || now > was);
    })
    .map(({ i, pull }) => ({ product: i.product, from: i.version, to: pull.release.version, requestId: pull.requestId }));
}

/** The owner's open requests for the device (pending with who they wait for, waiting for a seat, approved but not downloaded). */
export async function waitingOn(actor: Actor, deviceId: string): Promise<WaitingItem[]> {
  const rows = await getDb()
    .select({
      id: serviceRequests.id,
      status: serviceRequests.status,
      since: serviceRequests.updatedAt,
      slug: products.slug,
      name: products.name,
    })
    .from(serviceRequests)
    .innerJoin(products, eq(products.id, serviceRequests.productId))
    .where(
      and(
        eq(serviceRequests.deviceId, deviceId),
        eq(serviceRequests.requesterId, actor.id),
        inArray(serviceRequests.status, ['submitted', 'pending_approval', 'waiting_for_seat', 'approved']),
      ),
    )
    .orderBy(desc(serviceRequests.updatedAt));
  const names = await waitingFor(
    actor,
    rows.filter((r) => r.status === 'pending_approval').map((r) => r.id),
  );
  return rows.map((r) => ({
    requestId: r.id,
    product: { slug: r.slug, name: r.name },
    status: r.status as WaitingItem['status'],
    approvers: names.get(r.id) ?? [],
    since: r.since,
  }));
}

/** Products whose latest install outcome on the device is a failure, with its error text and time. */
export async function failuresOn(deviceId: string, pulls: Pull[]): Promise<FailedItem[]> {
  const rows = await getDb()
    .selectDistinctOn([installEvents.productId], {
      type: installEvents.type,
      errorText: installEvents.errorText,
      at: installEvents.occurredAt,
      slug: products.slug,
      name: products.name,
      version: releases.version,
    })
    .from(installEvents)
    .innerJoin(products, eq(products.id, installEvents.productId))
    .innerJoin(releases, eq(releases.id, installEvents.releaseId))
    .where(and(eq(installEvents.deviceId, deviceId), inArray(installEvents.type, [...outcomeTypes])))
    .orderBy(installEvents.productId, desc(installEvents.occurredAt), desc(installEvents.id));
  const offered = new Set(pulls.map((p) => p.product.slug));
  return rows
    .filter((r): r is typeof r & { type: FailureType } => (failureTypes as string[]).includes(r.type))
    .map((r) => ({
      product: { slug: r.slug, name: r.name },
      version: r.version,
      type: r.type,
      errorText: r.errorText,
      at: r.at,
      offeredAgain: r.type !== 'uninstall_failed' && offered.has(r.slug),
    }))
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}
