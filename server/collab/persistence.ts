import * as Y from 'yjs';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { actAs, withActor, type DbActor, type Executor } from '../../db';
import {
  appendUpdates, listLogIds, readLiveDocument, readStoredDocument, replaceSnapshot, setPlainTexts, tryLockLogForCompaction,
} from '../../db/queries/collab';
import type { Logger } from '../logger';
import { documentFromStored } from './document';

function storedState(stored: Parameters<typeof documentFromStored>[0]): Uint8Array {
  const doc = documentFromStored(stored);
  try {
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * Who writes which batches in one transaction: a batch may be written by anyone who can read its
 * draft (the row keeps its author in user_id), so batches join the group of an actor already
 * writing, if that actor is connected to their draft, else start a group as their author.
 */
function writersFor(batches: Batch[]): Map<DbActor, Batch[]> {
  const groups = new Map<DbActor, Batch[]>();
  const readersOf = new Map<StoredRoom, Set<string>>();
  for (const batch of batches) {
    const { room } = batch;
    let readers = readersOf.get(room);
    if (!readers) readersOf.set(room, (readers = new Set(room.readerActors().map((a) => a.id))));
    let writer = [...groups.keys()].find((a) => readers.has(a.id));
    if (!writer) {
      writer = batch.actor;
      groups.set(writer, []);
    }
    groups.get(writer)!.push(batch);
  }
  return groups;
}

/** Groups items by key, in the order each key first appears. */
function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/**
 * Storing live documents (an append log plus a snapshot, see db/queries/collab.ts):
 * - every applied update is queued per (draft, author) and written within `flushMs`, a row per batch,
 *   all queued batches in one transaction (RLS: as a user who can read the draft; user_id is the author);
 * - the log is folded into the snapshot when its tail grows past a threshold and when the
 *   document unloads (compaction takes an advisory lock, so one process does it at a time); the
 *   live document is the new snapshot when it holds every row of the log, else the stored state is;
 * - drafts.plain_text follows the document: once it has rested `textIdleMs`, and at least every
 *   `textMaxMs` while people keep typing (extracting text walks the whole document), all due
 *   documents in one transaction.
 */

/** What persistence needs from a live document. */
export interface StoredRoom {
  readonly draftId: string;
  /** Log rows this process knows of beyond the snapshot (loaded, then written by it). */
  tail: { rows: number; bytes: number };
  /** Ids of the log rows whose updates the live document holds (loaded or written here). */
  readonly storedIds: Set<number>;
  /** The live document's whole state. */
  state(): Uint8Array;
  /** Everyone connected who may be asked to carry a write (they can read the draft). */
  readerActors(): DbActor[];
  /** The document's current plain text (computed on demand, from the live doc). */
  text(): string;
}

export interface PersistenceOptions {
  flushMs: number;
  compactRows: number;
  compactBytes: number;
  textIdleMs: number;
  textMaxMs: number;
  /** With Redis: how long an update received from another process may wait for its sender's `stored` before this process stores it (unconfirmed.ts). */
  storeUnconfirmedAfterMs: number;
}

export const defaultPersistenceOptions: PersistenceOptions = {
  flushMs: 200,
  compactRows: 2000,
  compactBytes: 1024 * 1024,
  textIdleMs: 2000,
  textMaxMs: 10_000,
  storeUnconfirmedAfterMs: 3000,
};

/** minSeq: the lowest cluster sequence number among its updates (Infinity: none published to other processes). */
interface Batch { room: StoredRoom; actor: DbActor; updates: Uint8Array[]; attempts: number; minSeq: number }

const MAX_RETRY_DELAY_MS = 5000;

export class Persistence {
  private pending = new Map<string, Batch>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private compacting = new Set<string>();
  /** Rooms whose text changed: the actor who may write it, and when it last changed. */
  private textDirty = new Map<StoredRoom, { actor: DbActor | null; at: number }>();
  private textWrittenAt = new WeakMap<StoredRoom, number>();
  private lastText = new WeakMap<StoredRoom, string>();
  private textTimer: NodeJS.Timeout;
  private textWriting = false;
  /** The highest cluster sequence number queued, and the last one reported stored. */
  private lastSeq = 0;
  private reportedSeq = 0;
  /**
   * With Redis: told after a write that every update published with a sequence number up to `upTo`
   * is stored (or was given up), so the other processes may forget their copies.
   */
  onStored: ((upTo: number) => void) | null = null;

  constructor(private readonly db: Kysely<DB>, private readonly log: Logger, readonly opts: PersistenceOptions = defaultPersistenceOptions) {
    this.textTimer = setInterval(() => {
      this.writeTexts(false).catch((err) => this.log.warn({ err }, 'collab could not write plain texts'));
    }, Math.max(250, opts.textIdleMs / 4));
    this.textTimer.unref();
  }

  /** The stored state of a draft and its client id owners, read as `actor`. */
  async load(draftId: string, actor: DbActor) {
    // One statement (migration 015): the same reads, as `actor`, without a transaction around them.
    const { stored, owners } = await readLiveDocument(this.db, draftId, actor);
    return { stored, owners, tail: { rows: stored.rows, bytes: stored.updates.reduce((n, u) => n + u.data.length, 0) } };
  }

  /** Queues an applied update, written as its author within flushMs; `seq`: its cluster sequence number, if published. */
  enqueue(room: StoredRoom, update: Uint8Array, actor: DbActor, seq = 0) {
    const key = `${room.draftId}:${actor.id}`;
    const minSeq = seq > 0 ? seq : Infinity;
    if (seq > this.lastSeq) this.lastSeq = seq;
    const batch = this.pending.get(key);
    if (batch) {
      batch.updates.push(update);
      batch.minSeq = Math.min(batch.minSeq, minSeq);
    } else {
      this.pending.set(key, { room, actor, updates: [update], attempts: 0, minSeq });
    }
    this.schedule(this.opts.flushMs);
  }

  /** After a write: everything published below the oldest update still queued is stored. */
  private reportStored() {
    if (!this.onStored) return;
    let min = Infinity;
    for (const b of this.pending.values()) min = Math.min(min, b.minSeq);
    const upTo = min === Infinity ? this.lastSeq : min - 1;
    if (upTo <= this.reportedSeq) return;
    this.reportedSeq = upTo;
    this.onStored(upTo);
  }

  /** The document's text changed; `actor` (if any) may write it. */
  textChanged(room: StoredRoom, actor: DbActor | null) {
    const known = this.textDirty.get(room);
    if (known) {
      known.at = Date.now();
      if (actor) known.actor = actor;
    } else {
      this.textDirty.set(room, { actor, at: Date.now() });
    }
  }

  private schedule(ms: number) {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, ms);
  }

  /** Writes everything queued so far (and waits for a write already running). Never rejects. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.writePending());
    this.chain = run.catch((err) => this.log.error({ err }, 'collab flush failed'));
    return this.chain;
  }

  /** Every queued batch becomes one log row (its updates packed, not merged), all in one INSERT. */
  private async writePending() {
    if (this.pending.size === 0) return;
    const batches = [...this.pending.values()];
    this.pending.clear();
    try {
      const stored = await this.db.transaction().execute(async (trx) => {
        const out: Array<{ batch: Batch; id: number; bytes: number }> = [];
        for (const [actor, group] of writersFor(batches)) {
          await actAs(trx, actor);
          out.push(...await this.append(trx, group));
        }
        return out;
      });
      for (const { batch, id, bytes } of stored) this.written(batch, id, bytes);
    } catch (err) {
      this.log.debug({ err }, 'collab batched flush failed; writing batches one by one');
      for (const batch of batches) await this.writeAlone(batch);
    }
    this.reportStored();
  }

  /** Appends each batch as a row, as the transaction's actor. */
  private async append(trx: Executor, batches: Batch[]) {
    const ids = await appendUpdates(trx, batches.map((b) => ({ draftId: b.room.draftId, updates: b.updates, userId: b.actor.id })));
    // RETURNING gives the ids in the order of the rows.
    return ids.map((id, i) => ({ batch: batches[i], id, bytes: batches[i].updates.reduce((n, u) => n + u.length, 0) }));
  }

  /**
   * One batch in its own transaction: as its author, else as anyone still connected to the draft
   * (the author may have lost access after the edit was accepted and broadcast; it must not be
   * lost, or every client holding it would later be refused for sending it back).
   */
  private async writeAlone(batch: Batch) {
    const actors = [batch.actor, ...batch.room.readerActors().filter((a) => a.id !== batch.actor.id)];
    let lastError: unknown;
    for (const actor of actors) {
      try {
        const stored = await withActor(this.db, actor, (trx) => this.append(trx, [batch]));
        for (const { id, bytes } of stored) this.written(batch, id, bytes);
        return;
      } catch (err) {
        lastError = err;
      }
    }
    batch.attempts++;
    this.log.warn({ err: lastError, draftId: batch.room.draftId, updates: batch.updates.length, attempts: batch.attempts }, 'collab could not store an update batch; retrying');
    const key = `${batch.room.draftId}:${batch.actor.id}`;
    const queued = this.pending.get(key);
    if (queued) {
      queued.updates.unshift(...batch.updates);
      queued.minSeq = Math.min(queued.minSeq, batch.minSeq);
    } else {
      this.pending.set(key, batch);
    }
    this.schedule(Math.min(MAX_RETRY_DELAY_MS, this.opts.flushMs * 2 ** batch.attempts));
  }

  private written(batch: Batch, id: number, bytes: number) {
    const { room } = batch;
    room.storedIds.add(id);
    room.tail.rows++;
    room.tail.bytes += bytes;
    if (room.tail.rows > this.opts.compactRows || room.tail.bytes > this.opts.compactBytes) {
      void this.compact(room, batch.actor);
    }
  }

  /** Whether anything of this room is still queued (after a final flush: it could not be stored). */
  hasPending(room: StoredRoom) {
    for (const b of this.pending.values()) if (b.room === room) return true;
    return false;
  }

  /** Gives up on a room's queued batches (it unloaded and the last attempt failed). */
  drop(room: StoredRoom) {
    for (const [key, b] of this.pending) {
      if (b.room !== room) continue;
      this.pending.delete(key);
      this.log.error({ draftId: room.draftId, updates: b.updates.length }, 'collab dropped updates it could not store');
    }
    this.textDirty.delete(room);
  }

  /**
   * Folds the log into a new snapshot (see db/queries/collab.ts). If the live document holds every
   * row it sees (the usual case) its state is the snapshot; otherwise (rows stored by another process
   * that have not reached this one yet) the stored snapshot and log are folded.
   */
  async compact(room: StoredRoom, actor: DbActor): Promise<'compacted' | 'busy' | 'empty'> {
    if (this.compacting.has(room.draftId)) return 'busy';
    this.compacting.add(room.draftId);
    try {
      // REPEATABLE READ: the rows it lists, folds and deletes are the same; one committed meanwhile stays.
      const result = await this.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        await actAs(trx, actor);
        if (!(await tryLockLogForCompaction(trx, room.draftId))) return 'busy' as const;
        const ids = await listLogIds(trx, room.draftId);
        if (ids.length === 0) return 'empty' as const;
        const last = ids[ids.length - 1];
        const state = ids.every((id) => room.storedIds.has(id)) ? room.state() : storedState(await readStoredDocument(trx, room.draftId));
        await replaceSnapshot(trx, room.draftId, state, last);
        return last;
      });
      if (result === 'busy') return result;
      room.tail = { rows: 0, bytes: 0 };
      if (typeof result === 'number') for (const id of room.storedIds) if (id <= result) room.storedIds.delete(id);
      return result === 'empty' ? result : 'compacted';
    } catch (err) {
      this.log.warn({ err, draftId: room.draftId }, 'collab compaction failed');
      return 'busy';
    } finally {
      this.compacting.delete(room.draftId);
    }
  }

  /** Writes changed texts (all of them with `force`, else those due: at rest, or not written for textMaxMs). */
  async writeTexts(force: boolean, only?: StoredRoom) {
    if (!force && this.textWriting) return;
    this.textWriting = !force || this.textWriting;
    try {
      await this.writeDirtyTexts(force, only);
    } finally {
      if (!force) this.textWriting = false;
    }
  }

  /**
   * The due texts, in one transaction (each group as the user who changed it); if that fails, each
   * alone, as its changer or anyone connected (the changer may have lost access meanwhile).
   */
  private async writeDirtyTexts(force: boolean, only?: StoredRoom) {
    const now = Date.now();
    const due: Array<{ room: StoredRoom; text: string; actors: DbActor[] }> = [];
    for (const [room, { actor: known, at }] of [...this.textDirty]) {
      if (only && room !== only) continue;
      const resting = now - at >= this.opts.textIdleMs;
      if (!force && !resting && now - (this.textWrittenAt.get(room) ?? 0) < this.opts.textMaxMs) continue;
      const actors = [...(known ? [known] : []), ...room.readerActors()];
      if (actors.length === 0) continue; // another process's clients made the change: it writes
      this.textDirty.delete(room);
      this.textWrittenAt.set(room, now);
      const text = room.text();
      if (this.lastText.get(room) !== text) due.push({ room, text, actors });
    }
    if (due.length === 0) return;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const group of groupBy(due, (d) => d.actors[0].id)) {
          await actAs(trx, group[0].actors[0]);
          await setPlainTexts(trx, group.map((d) => ({ draftId: d.room.draftId, text: d.text })));
        }
      });
      for (const d of due) this.lastText.set(d.room, d.text);
      return;
    } catch (err) {
      this.log.debug({ err }, 'collab could not write plain texts together; writing them one by one');
    }
    for (const { room, text, actors } of due) {
      for (const actor of actors) {
        try {
          await withActor(this.db, actor, (trx) => setPlainTexts(trx, [{ draftId: room.draftId, text }]));
          this.lastText.set(room, text);
          break;
        } catch (err) {
          this.log.debug({ err, draftId: room.draftId }, 'collab could not write plain text as this actor');
        }
      }
    }
  }

  /** The last writes of a document that is unloading: its updates, its text, then compaction. */
  async finish(room: StoredRoom, actor: DbActor | null, compact: boolean) {
    await this.flush();
    if (this.hasPending(room)) {
      await this.flush(); // one more attempt (the first may have hit a retry delay)
      if (this.hasPending(room)) this.drop(room);
    }
    await this.writeTexts(true, room);
    this.textDirty.delete(room);
    if (compact && actor && room.tail.rows > 0) await this.compact(room, actor);
  }

  async close() {
    clearInterval(this.textTimer);
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    await this.flush();
  }
}

