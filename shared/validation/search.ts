import { z } from 'zod';
import { filterField, filterId } from './common';

/**
 * /search: the query string of the search page and the header box. The kinds are the result groups,
 * in the order the page shows them; a new searchable record (proposals, inspections, findings,
 * events) adds its kind here and a provider in server/services/search.ts.
 */
export const SEARCH_KINDS = ['notice', 'draft', 'proposal', 'workspace', 'person'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** The longest term, in characters (code points). */
export const SEARCH_QUERY_MAX = 100;

export const searchQuerySchema = z.object({
  // Control characters (a NUL would be refused by PostgreSQL) become spaces, then the term is trimmed.
  q: z.string({ invalid_type_error: 'validation.invalid' })
    .transform((v) => v.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim())
    .refine((v) => Array.from(v).length <= SEARCH_QUERY_MAX, 'validation.tooLong')
    .optional()
    .transform((v) => v || undefined),
  kind: filterField(z.enum(SEARCH_KINDS)),
  workspace: filterId,
  region: filterField(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/)),
});

export type SearchQuery = z.output<typeof searchQuerySchema>;
