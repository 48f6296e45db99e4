import { asc, eq, sql } from 'drizzle-orm';
import semver from 'semver';
import { getDb } from '@/db';
import { products, releases, sbomComponents } from '@/db/schema';
import { ValidationError } from '@/lib/errors';

export interface ComponentHit {
  product: string;
  productSlug: string;
  releaseVersion: string;
  releaseStatus: string;
  component: string;
  componentVersion: string;
  purl: string | null;
  licences: string;
}

/**
 * Which releases contain a component: its name (exact, case-insensitive, or a purl's name) and
 * optionally a semver range such as ">=2.0.0 <2.17.1" (pre-releases included).
 */
export async function searchComponents(input: { name: string; range?: string }): Promise<ComponentHit[]> {
  const name = input.name.trim();
  if (!name) throw new ValidationError('Enter a component name.', 'name');
  const range = input.range?.trim() ? semver.validRange(input.range.trim(), { loose: true }) : null;
  if (input.range?.trim() && !range) throw new ValidationError('Enter a semver range such as >=1.2.0 <2.0.0.', 'range');
  const rows = await getDb()
    .select({
      product: products.name,
      productSlug: products.slug,
      releaseVersion: releases.version,
      releaseStatus: releases.status,
      component: sbomComponents.name,
      componentVersion: sbomComponents.version,
      purl: sbomComponents.purl,
      licences: sbomComponents.licences,
    })
    .from(sbomComponents)
    .innerJoin(releases, eq(releases.id, sbomComponents.releaseId))
    .innerJoin(products, eq(products.id, releases.productId))
    .where(sql`lower(${sbomComponents.name}) = lower(${name})`)
    .orderBy(asc(products.name), asc(releases.createdAt))
    .limit(500);
  if (!range) return rows;
  return rows.filter((r) => {
    const v = semver.valid(r.componentVersion, { loose: true }) ?? semver.coerce(r.componentVersion)?.version;
    return v ? semver.satisfies(v, range, { includePrerelease: true, loose: true }) : false;
  });
}
