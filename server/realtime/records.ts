import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { PolicyError, type Actor, type RecordRef } from '../../shared/policy';
import type { RecordKind } from '../../shared/realtime/events';
import { getNotice, toRecordRef } from '../services/notices';
import { getEventRef } from '../services/calendar';
import { NotFoundError } from '../services/errors';
// Inspections (issue 13)
import { getInspectionRef } from '../services/inspections';

/**
 * How `record:watch` decides, per kind: load the record through its service (withActor + policy,
 * so row-level security checks again) and return its policy view, or null when the actor may not
 * read it. A new record kind adds its entry here (docs/recipe.md).
 */
export type WatchAuthorizer = (db: Kysely<DB>, actor: Actor, id: string) => Promise<RecordRef>;

const authorizers = new Map<RecordKind, WatchAuthorizer>([
  ['notice', async (db, actor, id) => toRecordRef((await getNotice(db, actor, id)).notice)],
  ['event', async (db, actor, id) => getEventRef(db, actor, id)],
  // Inspections (issue 13)
  ['inspection', async (db, actor, id) => getInspectionRef(db, actor, id)],
]);

/** The record's policy view if the actor may read it; null if unknown, forbidden or not watchable. */
export async function authorizeWatch(db: Kysely<DB>, actor: Actor, kind: RecordKind, id: string): Promise<RecordRef | null> {
  const authorize = authorizers.get(kind);
  if (!authorize) return null;
  try {
    return await authorize(db, actor, id);
  } catch (err) {
    if (err instanceof PolicyError || err instanceof NotFoundError) return null;
    throw err;
  }
}
