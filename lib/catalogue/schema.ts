import { z } from 'zod';
import { text } from '@/lib/text';
import { platformValues } from '@/db/schema';

export const CATALOGUE_PAGE_SIZE = 12;

/** Catalogue query from the URL; anything malformed falls back to "no filter" field by field. */
export const catalogueQuery = z.object({
  q: text().trim().max(100, 'Search is at most 100 characters.').catch('').default(''),
  category: text().trim().max(60).catch('').default(''),
  platform: z.enum(platformValues).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type CatalogueQuery = z.infer<typeof catalogueQuery>;
