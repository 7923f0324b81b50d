import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { DbActor } from '../../db';
import { claimClientIdsAs, claimClientIdsMany } from '../../db/queries/collab';
import { Batcher, perKey } from './batch';
import { ProtocolError } from './protocol';

/**
 * Server-verified authorship (docs/collaboration.md, "Who wrote what"): every Yjs client id belongs to one user,
 * recorded in draft_client_ids the first time content under it arrives. An update that writes under
 * an id owned by someone else is refused before it is applied. Ownership never changes, so the
 * per-document map is a cache that cannot go stale; the database decides races between processes.
 */
export class ForgedClientId extends ProtocolError {}

/** Claims made while others wait for the database go in one statement (editors connecting together). */
const claimer = perKey((db: Kysely<DB>) => new Batcher<{ draftId: string; clientId: number; actor: DbActor }, string | undefined>(
  (claims) => claimClientIdsMany(db, claims),
));

export interface Writer {
  actor: DbActor;
  /** The client ids this writer has used so far (one per browser tab, a few after offline sessions). */
  clientIds: Set<number>;
  maxClientIds: number;
}

/**
 * Checks that `writer` may write under every id in `ids`: synchronous when all are known, a database
 * round trip when some are new (they become the writer's). Throws ForgedClientId (or rejects with it)
 * when one is someone else's, unless `relay`: then that content is passed on as its owner's.
 */
export function checkAuthorship(
  db: Kysely<DB>, draftId: string, owners: Map<number, string>, writer: Writer, ids: number[], relay = false,
): void | Promise<void> {
  const userId = writer.actor.id;
  let unknown: number[] | undefined;
  const mine: number[] = [];
  for (const id of ids) {
    const owner = owners.get(id);
    if (owner === undefined) (unknown ??= []).push(id);
    else if (owner === userId) mine.push(id);
    else if (!relay) throw new ForgedClientId(`client id ${id} belongs to another user`);
  }
  if (!unknown) {
    for (const id of mine) writer.clientIds.add(id);
    return;
  }
  const fresh = unknown.filter((id) => !writer.clientIds.has(id));
  if (writer.clientIds.size + fresh.length > writer.maxClientIds) {
    throw new ProtocolError('too many client ids for one connection');
  }
  const pending = unknown;
  const claimed = pending.length === 1
    ? claimer(db).request({ draftId, clientId: pending[0], actor: writer.actor })
      .then((owner) => new Map(owner === undefined ? [] : [[pending[0], owner]]))
    : claimClientIdsAs(db, draftId, pending, writer.actor);
  return claimed.then((stored) => {
    for (const id of pending) {
      const owner = stored.get(id);
      if (owner === undefined) throw new Error(`client id ${id} was not stored`);
      owners.set(id, owner);
      if (owner === userId) mine.push(id);
      else if (!relay) throw new ForgedClientId(`client id ${id} belongs to another user`);
    }
    for (const id of mine) writer.clientIds.add(id);
  });
}
