import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { advisories, deviceCurrentInstalls, devices, products, releases, sbomComponents, type Advisory } from '@/db/schema';
import { recordAudit } from '@/lib/audit/service';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { ValidationError } from '@/lib/errors';
import { fixedVersionOf, isVersionAffected, severityOf, type OsvAffected } from './osv';

/** OSV package ecosystem that names a portal product by its slug (its own releases' versions). */
export const PORTAL_ECOSYSTEM = 'Portal';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one OSV record enough to match it; a 422 on `file` names the record and the fault. */
export function parseOsv(raw: unknown, source: string) {
  if (!isObj(raw)) throw new ValidationError(`${source}: not an OSV JSON object.`, 'file');
  if (typeof raw.id !== 'string' || !raw.id.trim()) throw new ValidationError(`${source}: an OSV record needs an id.`, 'file');
  if (!Array.isArray(raw.affected) || raw.affected.some((a) => !isObj(a) || !isObj(a.package)))
    throw new ValidationError(`${source} (${raw.id}): affected must be a list of packages.`, 'file');
  return {
    id: raw.id.trim(),
    summary: typeof raw.summary === 'string' ? raw.summary.slice(0, 500) : '',
    severity: severityOf(raw as Parameters<typeof severityOf>[0]),
    aliases: Array.isArray(raw.aliases) ? raw.aliases.filter((a) => typeof a === 'string').join(', ') : '',
    affected: raw.affected as OsvAffected[],
    modifiedAt: typeof raw.modified === 'string' && !Number.isNaN(Date.parse(raw.modified)) ? new Date(raw.modified) : null,
  };
}

/**
 * Imports OSV records (each file one record or a list): all or nothing, a record with the same id
 * replaced by the newer import. Offline by design: the files are all it reads.
 */
export async function importAdvisories(actor: Actor | 'system', files: { name: string; text: string }[]): Promise<{ imported: number }> {
  if (actor !== 'system') assertRole(actor, 'admin');
  const records = files.flatMap((f) => {
    let doc: unknown;
    try {
      doc = JSON.parse(f.text);
    } catch {
      throw new ValidationError(`${f.name}: not valid JSON.`, 'file');
    }
    return (Array.isArray(doc) ? doc : [doc]).map((r) => parseOsv(r, f.name));
  });
  if (records.length === 0) throw new ValidationError('Choose at least one OSV JSON file.', 'file');
  await getDb().transaction(async (tx) => {
    for (const r of records) {
      await tx
        .insert(advisories)
        .values(r)
        .onConflictDoUpdate({ target: advisories.id, set: { ...r, importedAt: new Date() } });
    }
    await recordAudit(
      {
        actor: actor === 'system' ? { kind: 'system' } : { kind: 'user', id: actor.id },
        action: 'advisories.imported',
        entityType: 'advisory',
        entityId: records[0]!.id,
        after: { ids: records.map((r) => r.id) },
      },
      tx,
    );
  });
  return { imported: records.length };
}

export interface AffectedRelease {
  releaseId: string;
  productId: string;
  product: string;
  productSlug: string;
  version: string;
  status: string;
  /** What matched: the product itself or an SBOM component with its version. */
  via: string;
  fixedIn: string | null;
}

/** Every release an advisory affects, through the product's own versions or its SBOM components. */
export async function releasesAffectedBy(advisory: Pick<Advisory, 'affected'>, db: DbOrTx = getDb()): Promise<AffectedRelease[]> {
  const out = new Map<string, AffectedRelease>();
  for (const a of advisory.affected as OsvAffected[]) {
    const eco = a.package?.ecosystem ?? '';
    const name = a.package?.name ?? '';
    if (!name) continue;
    const candidates =
      eco.toLowerCase() === PORTAL_ECOSYSTEM.toLowerCase()
        ? await db
            .select({ releaseId: releases.id, version: releases.version, componentVersion: releases.version })
            .from(releases)
            .innerJoin(products, eq(products.id, releases.productId))
            .where(eq(products.slug, name))
        : await db
            .select({ releaseId: sbomComponents.releaseId, version: sbomComponents.version, componentVersion: sbomComponents.version })
            .from(sbomComponents)
            .where(and(sql`lower(${sbomComponents.name}) = lower(${name})`, sql`lower(${sbomComponents.ecosystem}) = lower(${eco})`));
    const hits = candidates.filter((c) => isVersionAffected(c.componentVersion, a));
    if (hits.length === 0) continue;
    const rows = await db
      .select({
        id: releases.id,
        productId: releases.productId,
        version: releases.version,
        status: releases.status,
        product: products.name,
        slug: products.slug,
      })
      .from(releases)
      .innerJoin(products, eq(products.id, releases.productId))
      .where(inArray(releases.id, [...new Set(hits.map((h) => h.releaseId))]));
    for (const r of rows) {
      const hit = hits.find((h) => h.releaseId === r.id)!;
      out.set(r.id, {
        releaseId: r.id,
        productId: r.productId,
        product: r.product,
        productSlug: r.slug,
        version: r.version,
        status: r.status,
        via: eco.toLowerCase() === PORTAL_ECOSYSTEM.toLowerCase() ? 'product version' : `${name} ${hit.componentVersion}`,
        fixedIn: fixedVersionOf(a),
      });
    }
  }
  return [...out.values()];
}

export async function listAdvisories() {
  return getDb().select().from(advisories).orderBy(desc(advisories.importedAt), advisories.id);
}

/** Critical advisories affecting a release (the publishing gate). */
export async function criticalAdvisoriesFor(releaseId: string, db: DbOrTx = getDb()): Promise<string[]> {
  const critical = await db.select().from(advisories).where(eq(advisories.severity, 'critical'));
  const ids: string[] = [];
  for (const adv of critical) if ((await releasesAffectedBy(adv, db)).some((r) => r.releaseId === releaseId)) ids.push(adv.id);
  return ids;
}

/** Devices whose current install (the ledger's current state) is one of these releases. */
export async function devicesRunning(releaseIds: string[]) {
  if (releaseIds.length === 0) return [];
  return getDb()
    .select({
      deviceId: devices.id,
      hostname: devices.hostname,
      releaseId: deviceCurrentInstalls.releaseId,
      environment: devices.environment,
    })
    .from(deviceCurrentInstalls)
    .innerJoin(devices, eq(devices.id, deviceCurrentInstalls.deviceId))
    .where(inArray(deviceCurrentInstalls.releaseId, releaseIds))
    .orderBy(devices.hostname);
}
