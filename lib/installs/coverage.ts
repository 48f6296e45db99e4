import type { InstallEventType, Release } from '@/db/schema';
import { ForbiddenError } from '@/lib/errors';

/** An entitlement as the ledger checks reports against it. */
export interface HeldEntitlement {
  id: string;
  productId: string;
  releaseId: string | null;
  includesLaterReleases: boolean;
  requestId: string | null;
  deploymentId: string | null;
  /** Status 'active' and not past its end date. */
  active: boolean;
  /** When the entitled release was published (null for "whatever is current"). */
  entitledAt: Date | null;
}

const NOT_ENTITLED = 'This device is not entitled to this artifact, so nothing of this batch was recorded.';

/**
 * Whether the entitlement covers the release, by the same rule as authorizeDownload: exactly this
 * release, or (for "this and later") one published at or after the entitled one. Unlike a
 * download, the release's status *now* does not matter: a report describes what already happened,
 * and a release deprecated or withdrawn since is exactly what the desk needs to see installed.
 */
function covers(e: HeldEntitlement, release: Pick<Release, 'id' | 'productId' | 'publishedAt'>): boolean {
  if (e.productId !== release.productId || release.publishedAt === null) return false;
  if (e.releaseId === release.id) return true;
  if (!e.includesLaterReleases) return false;
  return e.releaseId === null || (e.entitledAt !== null && release.publishedAt >= e.entitledAt);
}

/**
 * The entitlement a report is recorded against: an active one that covers the release (newest
 * first); for an uninstall (or a failed one), an ended one will do too (the software can outlive the entitlement).
 * Anything else, including an unknown artifact, is refused alike.
 */
export function coveringEntitlement(
  held: HeldEntitlement[],
  release: Pick<Release, 'id' | 'productId' | 'publishedAt'> | undefined,
  type: InstallEventType,
  field: string,
  deploymentId?: string,
): HeldEntitlement {
  // A report naming a deployment is recorded against that deployment's entitlement when it covers
  // the release; otherwise against any covering one (say a request's, for the same version).
  const ordered = deploymentId ? [...held.filter((e) => e.deploymentId === deploymentId), ...held] : held;
  const found =
    release &&
    (ordered.find((e) => e.active && covers(e, release)) ??
      (type === 'uninstalled' || type === 'uninstall_failed' ? ordered.find((e) => covers(e, release)) : undefined));
  if (!found) throw new ForbiddenError(NOT_ENTITLED, field);
  return found;
}
