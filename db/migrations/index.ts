import type { Migration } from 'kysely';
import * as foundation from './2026-11-29-001-foundation';
import * as drafts from './2026-11-29-002-drafts';

/** Every migration, in order. Files are frozen once landed; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '2026-11-29-001-foundation': foundation,
  '2026-11-29-002-drafts': drafts,
};
