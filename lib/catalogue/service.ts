import { and, asc, count, desc, eq, exists, ilike, inArray, or, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { approvalStages, artifacts, groups, productGroups, products, releases, type Platform, type ReleaseStatus } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';
import { CATALOGUE_PAGE_SIZE, type CatalogueQuery } from './schema';
import { renderReleaseNotes } from './release-notes';
import { listScreenshots, type ScreenshotView } from './screenshots';
import { requesterCanSee, seesEverything } from './visibility';

export interface ProductCard {
  id: string;
  slug: string;
  name: string;
  publisher: string;
  category: string;
  summary: string;
  /** Version of the uploaded icon (its content hash), or null for the generated tile. */
  icon: string | null;
  currentVersion: string | null;
  platforms: Platform[];
}

export interface CataloguePage {
  items: ProductCard[];
  total: number;
  page: number;
  pageCount: number;
  categories: { name: string; count: number }[];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The catalogue as the actor may browse it: search, category and platform filters, paged. */
export async function listCatalogue(actor: Actor, query: CatalogueQuery): Promise<CataloguePage> {
  const db = getDb();
  const visible = requesterCanSee(actor);
  const pattern = `%${escapeLike(query.q)}%`;
  const filters = and(
    visible,
    query.q
      ? or(
          ilike(products.name, pattern),
          ilike(products.publisher, pattern),
          ilike(products.summary, pattern),
          ilike(products.description, pattern),
        )
      : undefined,
    query.category ? eq(products.category, query.category) : undefined,
    query.platform
      ? exists(
          db
            .select({ one: sql`1` })
            .from(artifacts)
            .innerJoin(releases, eq(releases.id, artifacts.releaseId))
            .where(and(eq(releases.productId, products.id), eq(releases.status, 'published'), eq(artifacts.platform, query.platform))),
        )
      : undefined,
  );

  const [[totalRow], categoryRows] = await Promise.all([
    db.select({ n: count() }).from(products).where(filters),
    // Categories are counted over what the actor may see, ignoring the category filter itself.
    db
      .select({ name: products.category, count: count() })
      .from(products)
      .where(visible)
      .groupBy(products.category)
      .orderBy(asc(products.category)),
  ]);
  const total = totalRow?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / CATALOGUE_PAGE_SIZE));
  const page = Math.min(query.page, pageCount);

  const rows = await db
    .select({
      id: products.id,
      slug: products.slug,
      name: products.name,
      publisher: products.publisher,
      category: products.category,
      summary: products.summary,
      iconKey: products.iconKey,
    })
    .from(products)
    .where(filters)
    // Case-insensitive, as people read a list (the database's collation may sort by code point).
    .orderBy(asc(sql`lower(${products.name})`), asc(products.id))
    .limit(CATALOGUE_PAGE_SIZE)
    .offset((page - 1) * CATALOGUE_PAGE_SIZE);

  const current = await currentReleases(rows.map((r) => r.id));
  return {
    items: rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      publisher: r.publisher,
      category: r.category,
      summary: r.summary,
      icon: r.iconKey,
      currentVersion: current.get(r.id)?.version ?? null,
      platforms: current.get(r.id)?.platforms ?? [],
    })),
    total,
    page,
    pageCount,
    categories: categoryRows,
  };
}

/** The newest published release of each product, with its platforms. */
async function currentReleases(productIds: string[]): Promise<Map<string, { version: string; platforms: Platform[] }>> {
  if (productIds.length === 0) return new Map();
  const rows = await getDb()
    .selectDistinctOn([releases.productId], { id: releases.id, productId: releases.productId, version: releases.version })
    .from(releases)
    .where(and(inArray(releases.productId, productIds), eq(releases.status, 'published')))
    .orderBy(releases.productId, desc(releases.publishedAt), desc(releases.createdAt));
  const platformRows = rows.length
    ? await getDb()
        .select({ releaseId: artifacts.releaseId, platform: artifacts.platform })
        .from(artifacts)
        .where(
          inArray(
            artifacts.releaseId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(artifacts.platform))
    : [];
  return new Map(
    rows.map((r) => [
      r.productId,
      { version: r.version, platforms: platformRows.filter((p) => p.releaseId === r.id).map((p) => p.platform) },
    ]),
  );
}

export interface ArtifactView {
  id: string;
  platform: Platform;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  corrupt: boolean;
}

export interface ReleaseView {
  id: string;
  version: string;
  status: ReleaseStatus;
  notes: string;
  /** The notes rendered from Markdown, with raw HTML and script URLs refused (see release-notes.ts). */
  notesHtml: string;
  changeRef: string | null;
  withdrawReason: string | null;
  publishedAt: Date | null;
  artifacts: ArtifactView[];
}

export interface ProductDetail {
  id: string;
  slug: string;
  name: string;
  publisher: string;
  category: string;
  summary: string;
  description: string;
  homepageUrl: string | null;
  /** Version of the uploaded icon (its content hash), or null for the generated tile. */
  icon: string | null;
  licenceModel: string;
  seatLimit: number | null;
  requireChangeRef: boolean;
  archived: boolean;
  restrictedTo: string[] | null;
  policy: { position: number; kind: 'auto' | 'manager' | 'group'; group: string | null; requiredApprovals: number }[];
  current: ReleaseView | null;
  releases: ReleaseView[];
  screenshots: ScreenshotView[];
}

/**
 * A product page. A product the actor may not see is reported as not found, exactly like one
 * that does not exist, so URLs reveal nothing.
 */
export async function getProduct(actor: Actor, slug: string): Promise<ProductDetail> {
  const db = getDb();
  const everything = seesEverything(actor);
  const product = await db.query.products.findFirst({
    where: and(eq(products.slug, slug), everything ? undefined : requesterCanSee(actor)),
  });
  if (!product) throw new NotFoundError('No such product in the catalogue.');

  const [releaseRows, stageRows, groupRows, screenshots] = await Promise.all([
    db
      .select()
      .from(releases)
      .where(and(eq(releases.productId, product.id), everything ? undefined : eq(releases.status, 'published')))
      .orderBy(desc(sql`coalesce(${releases.publishedAt}, ${releases.createdAt})`)),
    db
      .select({
        position: approvalStages.position,
        kind: approvalStages.kind,
        group: groups.name,
        requiredApprovals: approvalStages.requiredApprovals,
      })
      .from(approvalStages)
      .leftJoin(groups, eq(groups.id, approvalStages.groupId))
      .where(eq(approvalStages.productId, product.id))
      .orderBy(asc(approvalStages.position)),
    product.visibility === 'groups'
      ? db
          .select({ name: groups.name })
          .from(productGroups)
          .innerJoin(groups, eq(groups.id, productGroups.groupId))
          .where(eq(productGroups.productId, product.id))
      : Promise.resolve(null),
    listScreenshots(product.id, product.slug),
  ]);
  const artifactRows = releaseRows.length
    ? await db
        .select()
        .from(artifacts)
        .where(
          inArray(
            artifacts.releaseId,
            releaseRows.map((r) => r.id),
          ),
        )
        .orderBy(asc(artifacts.platform))
    : [];

  const views: ReleaseView[] = releaseRows.map((r) => ({
    id: r.id,
    version: r.version,
    status: r.status,
    notes: r.notes,
    notesHtml: renderReleaseNotes(r.notes),
    changeRef: r.changeRef,
    withdrawReason: r.withdrawReason,
    publishedAt: r.publishedAt,
    artifacts: artifactRows
      .filter((a) => a.releaseId === r.id)
      .map((a) => ({
        id: a.id,
        platform: a.platform,
        fileName: a.fileName,
        mediaType: a.mediaType,
        sizeBytes: a.sizeBytes,
        sha256: a.sha256,
        corrupt: a.status === 'corrupt',
      })),
  }));

  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    publisher: product.publisher,
    category: product.category,
    summary: product.summary,
    description: product.description,
    homepageUrl: product.homepageUrl,
    icon: product.iconKey,
    licenceModel: product.licenceModel,
    seatLimit: product.seatLimit,
    requireChangeRef: product.requireChangeRef,
    archived: product.archived,
    restrictedTo: groupRows ? groupRows.map((g) => g.name) : null,
    policy: stageRows,
    current: views.find((v) => v.status === 'published') ?? null,
    releases: views,
    screenshots,
  };
}
