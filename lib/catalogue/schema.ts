import { z } from 'zod';
import { text } from '@/lib/text';
import { platformValues } from '@/db/schema';

export const CATALOGUE_PAGE_SIZE = 12;
export const SEARCH_MAX = 100;

/** Catalogue query from the URL; anything malformed falls back to "no filter" field by field. */
export const catalogueQuery = z.object({
  // A longer search is cut to its first SEARCH_MAX characters (the page says so), not dropped.
  q: text()
    .trim()
    .transform((q) => q.slice(0, SEARCH_MAX).trim())
    .catch('')
    .default(''),
  category: text().trim().max(60).catch('').default(''),
  platform: z.enum(platformValues).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type CatalogueQuery = z.infer<typeof catalogueQuery>;
