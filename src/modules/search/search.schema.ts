import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';
import { QUERY_MAX_CHARS, QUERY_MAX_TOKENS, queryTokens } from './tokens.js';

// The search form and the search API read one schema (ADR 37). Messages are i18n keys;
// safeString refuses control characters before any other check.

/** A query: trimmed, at most QUERY_MAX_CHARS characters and QUERY_MAX_TOKENS words or indicators. */
const q = safeString({ error: 'search.error.query_required' })
  .overwrite((s) => s.trim())
  .min(1, 'search.error.query_required')
  .max(QUERY_MAX_CHARS, 'search.error.query_too_long')
  .refine((s) => queryTokens(s).length <= QUERY_MAX_TOKENS, { message: 'search.error.too_many_words', abort: true });

/** Where the next page starts: the last case id shown. */
const cursor = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'search.error.cursor_invalid')
  // A case id is a 32-bit integer on both engines: a larger cursor is no page of results.
  .refine((s) => Number(s) <= 2_147_483_647, 'search.error.cursor_invalid')
  .transform(Number)
  .optional();

/** `GET /staff/search?q=&cursor=` and `GET /api/v1/search?q=&cursor=`. */
export const SearchQuery = z.strictObject({ q, cursor });
export type SearchQuery = z.output<typeof SearchQuery>;

/** Cases on a page of results (the page and the API alike). */
export const SEARCH_LIMIT = 50;
