import { and, desc, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import { artifacts, products, releases, removals, type RemovalStatus } from '@/db/schema';

/** A removal as the device API offers it: what to uninstall, and the librarian's command for it, if any. */
export interface OfferedRemoval {
  removalId: string;
  product: { slug: string; name: string };
  release: { id: string; version: string };
  artifact: { id: string; fileName: string; sha256: string };
  /** The artifact's uninstall command; null = the agent's own --uninstall-command (or just removing the placed file). */
  uninstallCommand: string | null;
}

/** The device's pending removals, for its check-in (a failed one waits until its owner retries it). */
export async function listPendingRemovals(deviceId: string): Promise<OfferedRemoval[]> {
  const rows = await getDb()
    .select({
      id: removals.id,
      slug: products.slug,
      name: products.name,
      releaseId: releases.id,
      version: releases.version,
      artifactId: artifacts.id,
      fileName: artifacts.fileName,
      sha256: artifacts.sha256,
      uninstallCommand: artifacts.uninstallCommand,
    })
    .from(removals)
    .innerJoin(products, eq(products.id, removals.productId))
    .innerJoin(releases, eq(releases.id, removals.releaseId))
    .innerJoin(artifacts, eq(artifacts.id, removals.artifactId))
    .where(and(eq(removals.deviceId, deviceId), eq(removals.status, 'pending')))
    .orderBy(removals.createdAt);
  return rows.map((r) => ({
    removalId: r.id,
    product: { slug: r.slug, name: r.name },
    release: { id: r.releaseId, version: r.version },
    artifact: { id: r.artifactId, fileName: r.fileName, sha256: r.sha256 },
    uninstallCommand: r.uninstallCommand,
  }));
}

export interface DeviceRemoval {
  id: string;
  productSlug: string;
  productName: string;
  version: string;
  status: RemovalStatus;
  reason: string;
  errorText: string | null;
  attempts: number;
  createdAt: Date;
  endedAt: Date | null;
}

/** Open removals and the last finished ones of one device, newest first (the caller checked access). */
export async function listDeviceRemovals(deviceId: string, limit = 20): Promise<DeviceRemoval[]> {
  return getDb()
    .select({
      id: removals.id,
      productSlug: products.slug,
      productName: products.name,
      version: releases.version,
      status: removals.status,
      reason: removals.reason,
      errorText: removals.errorText,
      attempts: removals.attempts,
      createdAt: removals.createdAt,
      endedAt: removals.endedAt,
    })
    .from(removals)
    .innerJoin(products, eq(products.id, removals.productId))
    .innerJoin(releases, eq(releases.id, removals.releaseId))
    .where(and(eq(removals.deviceId, deviceId), inArray(removals.status, ['pending', 'failed', 'done', 'cancelled'])))
    .orderBy(desc(removals.updatedAt), desc(removals.id))
    .limit(limit);
}
