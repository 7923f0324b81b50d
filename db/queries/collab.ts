import { sql } from 'kysely';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Executor } from '../index';

/**
 * The stored form of a live draft document (migrations 002, 005): a snapshot (Yjs V1 state) plus an
 * append log whose rows each hold one author's updates of one flush (several length-prefixed); the
 * Yjs client ids each user writes under; the extracted plain text.
 * The document is the snapshot plus EVERY log row still there: compaction folds the rows it can see
 * into the snapshot and deletes exactly those, in one REPEATABLE READ transaction, so a row
 * committed meanwhile (even with a lower id) stays and is loaded; applying an update twice is
 * harmless in Yjs. Appends therefore take no lock; compactions exclude each other with an advisory
 * lock (try, never wait). last_update_id records the highest row folded (for inspection).
 */
const logLockKey = (draftId: string) => sql`hashtextextended(${'draft-log:' + draftId}, 0)`;

export interface StoredDocument {
  snapshot: Uint8Array | null;
  /** The updates of every draft_updates row of the draft, in id order (a row's updates share its id). */
  updates: Array<{ id: number; data: Uint8Array }>;
  /** How many log rows they came from. */
  rows: number;
}

/** A log row's data from its updates: one as it is, several each length-prefixed (see migration 005). */
export function packUpdates(updates: Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0];
  const encoder = encoding.createEncoder();
  for (const update of updates) encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The updates a log row holds (its data and `updates` count). */
export function unpackUpdates(data: Uint8Array, count: number): Uint8Array[] {
  if (count === 1) return [data];
  const decoder = decoding.createDecoder(data);
  return Array.from({ length: count }, () => decoding.readVarUint8Array(decoder));
}

/**
 * Snapshot and log in ONE statement, so a compaction committing in between cannot make a load see
 * the old snapshot and the shortened log. The log comes as one value of (int8 id, int4 updates,
 * int4 length, data) records: a long log (hundreds of thousands of keystrokes stored before a compaction) costs one value
 * to transfer and parse, not a row object per keystroke. Binary values travel as base64 text: the
 * drivers decode bytea from hex text, which took 4× as long for such a log on PGlite.
 */
export async function readStoredDocument(db: Executor, draftId: string): Promise<StoredDocument> {
  const { rows } = await sql<{ snapshot: string | null; log: string | null }>`
    select encode(s.data, 'base64') as snapshot,
           (select encode(string_agg(int8send(u.id) || int4send(u.updates) || int4send(length(u.data)) || u.data, ''::bytea order by u.id), 'base64')
              from draft_updates u where u.draft_id = ${draftId}) as log
      from (select 1) as one
      left join draft_snapshots s on s.draft_id = ${draftId}`.execute(db);
  return parseStored(rows[0].snapshot, rows[0].log);
}

/** A stored document from readStoredDocument's two base64 values. */
function parseStored(snapshot: string | null, logText: string | null): StoredDocument {
  const updates: StoredDocument['updates'] = [];
  let count = 0;
  const log = fromBase64(logText);
  if (log) {
    const view = new DataView(log.buffer, log.byteOffset, log.byteLength);
    for (let at = 0; at < log.byteLength; count++) {
      const id = Number(view.getBigInt64(at));
      const packed = view.getInt32(at + 8);
      const length = view.getInt32(at + 12);
      for (const data of unpackUpdates(log.subarray(at + 16, at + 16 + length), packed)) updates.push({ id, data });
      at += 16 + length;
    }
  }
  return { snapshot: fromBase64(snapshot), updates, rows: count };
}

/** PostgreSQL's base64 has line breaks, which Node's decoder skips. */
const fromBase64 = (text: string | null): Uint8Array | null => (text === null ? null : new Uint8Array(Buffer.from(text, 'base64')));

/**
 * Appends one row per entry (its updates packed) to the logs of the given drafts, as the current
 * actor; returns the new rows' ids in order. Array parameters instead of a VALUES list: building
 * and binding one cost more CPU per row.
 */
export async function appendUpdates(trx: Executor, rows: Array<{ draftId: string; updates: Uint8Array[]; userId: string }>): Promise<number[]> {
  if (rows.length === 0) return [];
  const { rows: ids } = await sql<{ id: string }>`
    insert into draft_updates (draft_id, data, updates, user_id)
    select * from unnest(${rows.map((r) => r.draftId)}::uuid[], ${rows.map((r) => toBuffer(packUpdates(r.updates)))}::bytea[],
                         ${rows.map((r) => r.updates.length)}::int4[], ${rows.map((r) => r.userId)}::uuid[])
    returning id`.execute(trx);
  return ids.map((r) => Number(r.id));
}

/** The drivers encode a bytea array element only from a Buffer. */
const toBuffer = (data: Uint8Array) => (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

/** The ids of a draft's log rows, in order (for compaction; one value, like the log in readStoredDocument). */
export async function listLogIds(trx: Executor, draftId: string): Promise<number[]> {
  const { rows } = await sql<{ ids: string | null }>`
    select encode(string_agg(int8send(u.id), ''::bytea order by u.id), 'base64') as ids from draft_updates u where u.draft_id = ${draftId}`.execute(trx);
  const bytes = fromBase64(rows[0].ids);
  if (!bytes) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8)));
}

/** Compaction's exclusive hold on a draft's log for this transaction; false if another compaction holds it. */
export async function tryLockLogForCompaction(trx: Executor, draftId: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${logLockKey(draftId)}) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/**
 * Replaces the snapshot and deletes the log rows it now folds: those with ids up to lastUpdateId that
 * this transaction sees (call in REPEATABLE READ, with the compaction lock held).
 */
export async function replaceSnapshot(trx: Executor, draftId: string, data: Uint8Array, lastUpdateId: number) {
  await trx.insertInto('draft_snapshots')
    .values({ draft_id: draftId, data, last_update_id: lastUpdateId, updated_at: new Date() })
    .onConflict((oc) => oc.column('draft_id').doUpdateSet({ data, last_update_id: lastUpdateId, updated_at: new Date() }))
    .execute();
  await trx.deleteFrom('draft_updates').where('draft_id', '=', draftId).where('id', '<=', lastUpdateId).execute();
}

/** Who owns each Yjs client id of a draft (server-verified authorship). */
export async function listClientIds(db: Executor, draftId: string): Promise<Map<number, string>> {
  const rows = await db.selectFrom('draft_client_ids').select(['client_id', 'user_id']).where('draft_id', '=', draftId).execute();
  return new Map(rows.map((r) => [Number(r.client_id), r.user_id]));
}

/**
 * Gives the still-unowned ids to the user and returns the owner of every requested id as stored
 * now (another process may have claimed one first: the database decides).
 */
export async function claimClientIds(trx: Executor, draftId: string, clientIds: number[], userId: string): Promise<Map<number, string>> {
  if (clientIds.length === 0) return new Map();
  await trx.insertInto('draft_client_ids')
    .values(clientIds.map((id) => ({ draft_id: draftId, client_id: id, user_id: userId })))
    .onConflict((oc) => oc.columns(['draft_id', 'client_id']).doNothing())
    .execute();
  const rows = await trx.selectFrom('draft_client_ids').select(['client_id', 'user_id'])
    .where('draft_id', '=', draftId).where('client_id', 'in', clientIds).execute();
  return new Map(rows.map((r) => [Number(r.client_id), r.user_id]));
}

/**
 * The extracted texts, for search and export; touching updated_at orders "recently edited" lists.
 * Through app_set_draft_texts (migration 007): either region's editors of a joint draft store its
 * text, while the row itself may be updated by its own region only.
 */
export async function setPlainTexts(trx: Executor, texts: Array<{ draftId: string; text: string }>) {
  if (texts.length === 0) return;
  await sql`select app_set_draft_texts(${texts.map((t) => t.draftId)}::uuid[], ${texts.map((t) => t.text)}::text[])`.execute(trx);
}

// ---------------------------------------------------------------------------------------------
// One statement each for what every connection does (migration 015): the upgrade check, a document's
// first load, and claiming a client id. Same reads under the same row-level security as the
// transactions they replace; one round trip instead of five to eight.

/** The actor a statement acts as (row-level security). */
interface ActorRef { id: string; region: string; orgId: string }

/** JSON comes back parsed from pg and as text from some PGlite paths. */
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export interface CollabOpenRow {
  user: {
    sessionId: string; id: string; username: string; displayName: string; orgId: string; region: string;
    roles: string[]; orgName: string;
  };
  memberships: Array<{ workspaceId: string; role: string }>;
  /** The draft as findDraftRef reads it (as the user), or null when absent or hidden from them. */
  draft: {
    id: string; title: string; workspaceId: string; ownerOrgId: string; ownerRegion: string; visibility: string;
    authorId: string; frozen: boolean; collaborators: Array<{ userId: string; role: string }> | null;
  } | null;
}

/** readStoredDocument and listClientIds as `actor`, in one statement. */
export async function readLiveDocument(db: Executor, draftId: string, actor: ActorRef): Promise<{ stored: StoredDocument; owners: Map<number, string> }> {
  const { rows } = await sql<{ snapshot: string | null; log: string | null; owners: string | null }>`
    select * from app_collab_document(${draftId}, ${actor.id}, ${actor.region}, ${actor.orgId})`.execute(db);
  const row = rows[0];
  const owners = new Map<number, string>();
  const bytes = fromBase64(row.owners);
  if (bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < bytes.byteLength; at += 24) owners.set(Number(view.getBigInt64(at)), uuidAt(bytes, at + 8));
  }
  return { stored: parseStored(row.snapshot, row.log), owners };
}

/** claimClientIds as `actor`, in one statement. */
export async function claimClientIdsAs(db: Executor, draftId: string, clientIds: number[], actor: ActorRef): Promise<Map<number, string>> {
  if (clientIds.length === 0) return new Map();
  const { rows } = await sql<{ owners: unknown }>`
    select app_collab_claim(${draftId}, ${clientIds}::int8[], ${actor.id}, ${actor.region}, ${actor.orgId}) as owners`.execute(db);
  return new Map(json<Array<[number | string, string]>>(rows[0].owners).map(([id, user]) => [Number(id), user]));
}

const uuidAt = (bytes: Uint8Array, at: number) => {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + at, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * For each connection asking: its live session (not revoked, not expired, seen after `idleSince`, its
 * user active), that user's memberships and the draft as they may read it, in one statement; touches
 * each session (last seen = `now`) last seen before `touchBefore`. Null for no such session; results
 * in the order asked.
 */
export async function openCollabSessions(
  db: Executor, asked: Array<{ sessionId: string; draftId: string | null }>, clock: { idleSince: Date; touchBefore: Date; now: Date },
): Promise<Array<CollabOpenRow | null>> {
  const { rows } = await sql<{ open: unknown }>`
    select app_collab_open_many(${asked.map((a) => a.sessionId)}::text[], ${asked.map((a) => a.draftId)}::uuid[],
                                ${clock.idleSince.toISOString()}, ${clock.touchBefore.toISOString()}, ${clock.now.toISOString()}) as open`.execute(db);
  return json<Array<CollabOpenRow | null>>(rows[0].open);
}

/** claimClientIdsAs for one client id each of several claims (each as its actor), in one statement; the owner of each as stored now. */
export async function claimClientIdsMany(
  db: Executor, claims: Array<{ draftId: string; clientId: number; actor: ActorRef }>,
): Promise<Array<string | undefined>> {
  const { rows } = await sql<{ owners: unknown }>`
    select app_collab_claim_many(${claims.map((c) => c.draftId)}::uuid[], ${claims.map((c) => c.clientId)}::int8[],
      ${claims.map((c) => c.actor.id)}::uuid[], ${claims.map((c) => c.actor.region)}::text[], ${claims.map((c) => c.actor.orgId)}::uuid[]) as owners`.execute(db);
  return json<Array<Array<[number | string, string]>>>(rows[0].owners).map((owners, i) => owners.find(([id]) => Number(id) === claims[i].clientId)?.[1]);
}
