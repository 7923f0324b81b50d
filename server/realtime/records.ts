import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { PolicyError, type Actor } from '../../shared/policy';
import type { Watched } from './types';
import { watchedProposal, watchedRecord } from './watched';
import { getProposalRef } from '../services/proposals';
import type { RecordKind } from '../../shared/realtime/events';
import { getNotice, toRecordRef } from '../services/notices';
import { getEventRef } from '../services/calendar';
import { NotFoundError } from '../services/errors';

/**
 * How `record:watch` decides, per kind: load the record through its service (withActor + policy,
 * so row-level security checks again) and return its policy view, or null when the actor may not
 * read it. A new record kind adds its entry here (docs/recipe.md).
 */
export type WatchAuthorizer = (db: Kysely<DB>, actor: Actor, id: string) => Promise<Watched>;

const authorizers = new Map<RecordKind, WatchAuthorizer>([
  ['notice', async (db, actor, id) => watchedRecord(toRecordRef((await getNotice(db, actor, id)).notice))],
  ['event', async (db, actor, id) => watchedRecord(await getEventRef(db, actor, id))],
  ['proposal', async (db, actor, id) => watchedProposal(await getProposalRef(db, actor, id))],
]);

/** The record's read rule if the actor may read it now; null if unknown, forbidden or not watchable. */
export async function authorizeWatch(db: Kysely<DB>, actor: Actor, kind: RecordKind, id: string): Promise<Watched | null> {
  const authorize = authorizers.get(kind);
  if (!authorize) return null;
  try {
    return await authorize(db, actor, id);
  } catch (err) {
    if (err instanceof PolicyError || err instanceof NotFoundError) return null;
    throw err;
  }
}
