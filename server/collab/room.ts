import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { DbActor } from '../../db';
import type { Logger } from '../logger';
import { checkAuthorship, type Writer } from './authorship';
import { sanitizeAwarenessUpdate } from './awareness';
import { CLUSTER_MESSAGE, type ClusterLink, type ClusterMessageKind, type ClusterSender } from './cluster';
import { binaryFrame, type Connection } from './connection';
import { documentText } from './document';
import { documentSchema } from '../../shared/editor/extensions';
import { changesContent, inspectUpdate } from './update-check';
import { CLOSE } from '../../shared/realtime/collab';
import type { CollabLimits } from './limits';
import type { Persistence, StoredRoom } from './persistence';
import type { UnconfirmedUpdates } from './unconfirmed';
import {
  awarenessMessage, awarenessStatesMessage, isEmptyStateVector, ProtocolError, syncStep1Message, syncStep2Message, updateMessage, writersOf,
  type ClientMessage,
} from './protocol';

/** Origin of changes that came from another process (applied, broadcast locally, never stored here). */
export const REMOTE = Symbol('remote');
/** A load taking longer than this is logged (a long log: compaction has not kept up). */
const SLOW_LOAD_MS = 250;
/** How long after loading a document with a long log it is compacted. */
const COMPACT_AFTER_LOAD_MS = 1000;
/** Origin of awareness removals made by this server (a connection closed). */
const SERVER = Symbol('server');
/** Origin of the changes Yjs makes by itself after applying an update (sent to every connection). */
const YJS_CLEANUP = Symbol('yjs-cleanup');

/** A change made on the server for a user (restoring a version): stored and broadcast like a client's. */
export class ServerWrite {
  constructor(readonly actor: DbActor) {}
}

export interface RoomServices {
  db: Kysely<DB>;
  log: Logger;
  limits: CollabLimits;
  persistence: Persistence;
  cluster: ClusterLink;
  /** Updates from other processes not yet stored by their sender (kept in case it dies first). */
  unconfirmed: UnconfirmedUpdates<CollabRoom>;
}

/**
 * One open document: its Y.Doc and Awareness, the local connections, and the rules for what each
 * may change. Editors' updates are checked for authorship, applied, broadcast, published and queued
 * for storage; viewers and commenters only ever receive.
 */
export class CollabRoom implements StoredRoom {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new Awareness(this.doc);
  /** Connections entering or in the room (entering ones wait for `ready`). */
  readonly connections = new Set<Connection>();
  owners = new Map<number, string>();
  tail = { rows: 0, bytes: 0 };
  readonly storedIds = new Set<number>();
  /** The last user who changed the document here, else the one it was loaded for (writes its text, compacts at unload). */
  lastActor: DbActor | null = null;
  ready: Promise<void> | null = null;
  loaded = false;
  unloading = false;

  /** The stored snapshot the document was loaded from, while nothing has changed since (it is the whole state). */
  private loadedSnapshot: Uint8Array | null = null;
  private changedOnce = false;
  /** A connection's awareness update while it is applied. */
  private receivedAwareness: Uint8Array | null = null;
  /** While an update is applied: the transactions that changed the document (its own, then Yjs's cleanups). */
  private changes: Y.Transaction[] | null = null;

  constructor(readonly draftId: string, private readonly services: RoomServices) {
    this.awareness.setLocalState(null); // the server is not a participant
    this.doc.on('afterTransaction', (tr: Y.Transaction) => { if (this.changes && changedAnything(tr)) this.changes.push(tr); });
    this.awareness.on('update', (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
      this.onAwareness(changes, origin));
  }

  /** Subscribes to other processes, then reads the stored state (as the first connection's user). */
  async load(actor: DbActor) {
    const { cluster, persistence } = this.services;
    await cluster.join(this.draftId, (kind, payload, from) => this.onCluster(kind, payload, from));
    const started = performance.now();
    const { stored, owners, tail } = await persistence.load(this.draftId, actor);
    const read = performance.now();
    this.lastActor = actor;
    this.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(this.doc, u.data);
    });
    const ms = performance.now() - started;
    if (ms > SLOW_LOAD_MS) {
      this.services.log.info({ draftId: this.draftId, rows: tail.rows, bytes: tail.bytes, readMs: Math.round(read - started), applyMs: Math.round(ms - (read - started)) }, 'collab loaded a document slowly');
    }
    for (const [id, user] of owners) this.owners.set(id, user);
    for (const u of stored.updates) this.storedIds.add(u.id);
    this.tail = tail;
    // Another process's update may have arrived while the snapshot was read: then it is not the whole state.
    this.loadedSnapshot = stored.updates.length === 0 && !this.changedOnce ? stored.snapshot : null;
    this.loaded = true;
    if (cluster.enabled) cluster.publish(this.draftId, CLUSTER_MESSAGE.SYNC_REQUEST, Y.encodeStateVector(this.doc));
    // A long log (e.g. the first load after heavy editing elsewhere) is folded without anyone asking,
    // once the connections waiting for this load have synced (on PGlite a query blocks the process).
    if (tail.rows > persistence.opts.compactRows || tail.bytes > persistence.opts.compactBytes) {
      setTimeout(() => { if (!this.unloading) void persistence.compact(this, actor); }, COMPACT_AFTER_LOAD_MS).unref();
    }
  }

  /** A loaded room greets a connection: its state vector (sync step 1) and everyone's awareness. */
  attach(conn: Connection) {
    conn.send(syncStep1Message(this.doc));
    const states = awarenessStatesMessage(this.awareness);
    if (states) conn.send(states);
  }

  /** A connection left: its awareness states go (and the others hear it). */
  detach(conn: Connection) {
    this.connections.delete(conn);
    const id = conn.awarenessId;
    if (id !== null && this.awareness.getStates().has(id)) removeAwarenessStates(this.awareness, [id], SERVER);
  }

  readerActors(): DbActor[] {
    const seen = new Map<string, DbActor>();
    for (const c of this.connections) seen.set(c.actor.id, c.actor);
    return [...seen.values()];
  }

  text() {
    return documentText(this.doc);
  }

  state() {
    return Y.encodeStateAsUpdate(this.doc);
  }

  /** One decoded client message; a Promise when it waits for the database (the connection queues the rest). */
  handle(conn: Connection, message: ClientMessage): void | Promise<void> {
    switch (message.type) {
      case 'sync-step1': {
        let reply: Uint8Array;
        try {
          // A new client of a document unchanged since it loaded from its snapshot gets the snapshot as stored.
          const whole = this.loadedSnapshot && isEmptyStateVector(message.stateVector) ? this.loadedSnapshot : null;
          reply = syncStep2Message(whole ?? Y.encodeStateAsUpdate(this.doc, message.stateVector));
        } catch (err) {
          throw new ProtocolError(`malformed state vector: ${(err as Error).message}`);
        }
        conn.send(reply);
        return;
      }
      case 'sync-step2':
      case 'sync-update': {
        // Viewers and commenters are answered but never written: not applied, stored nor broadcast. Edits
        // a client still holds when it connects (its catch-up, typed offline before the text was frozen)
        // would otherwise stay in its browser and arrive unnoticed once it may edit again: it is told, and
        // drops them. A live update is only dropped (a forged client; a well-behaved one cannot type here).
        if (conn.role !== 'editor') {
          if (message.type === 'sync-step2' && changesContent(this.doc, message.update)) conn.close(CLOSE.EDITS_REFUSED, 'read-only: edits not saved');
          return;
        }
        // Checked before it is applied: what it writes must fit the schema; content already here is not new.
        const { writers } = inspectUpdate(this.doc, message.update, documentSchema());
        // The usual keystroke: written under the id this connection has already proven its own.
        if (writers.length === 1 && conn.clientIds.has(writers[0])) return this.applyFrom(conn, message.update);
        const writer: Writer = { actor: conn.actor, clientIds: conn.clientIds, maxClientIds: this.services.limits.maxClientIdsPerConnection };
        // A client's catch-up after connecting (sync step 2) may hand back other people's edits this
        // server lost (a crash before they were stored): they keep their owner. A live update may not.
        const relay = message.type === 'sync-step2';
        const checked = checkAuthorship(this.services.db, this.draftId, this.owners, writer, writers, relay);
        if (checked) return checked.then(() => this.applyRelayed(conn, message.update, writers));
        this.applyRelayed(conn, message.update, writers);
        return;
      }
      case 'awareness': {
        const update = sanitizeAwarenessUpdate(message.update, {
          identity: conn.identity,
          mayUse: (id) => this.mayUseAwarenessId(conn, id),
          maxChars: this.services.limits.maxAwarenessStateChars,
        });
        if (update) {
          this.receivedAwareness = update;
          try {
            applyAwarenessUpdate(this.awareness, update, conn);
          } finally {
            this.receivedAwareness = null;
          }
          if (conn.role === 'editor') this.claimAhead(conn);
        }
        return;
      }
      case 'query-awareness': {
        const states = awarenessStatesMessage(this.awareness);
        if (states) conn.send(states);
        return;
      }
    }
  }

  private applyFrom(conn: Connection, update: Uint8Array) {
    if (conn.closedByServer) return; // revoked or refused while its authorship was checked
    this.applyAndAnnounce(update, conn, conn.actor);
  }

  private applyRelayed(conn: Connection, update: Uint8Array, writers: number[]) {
    const others = writers.filter((id) => this.owners.get(id) !== conn.user.id);
    if (others.length > 0) this.services.log.warn({ draftId: this.draftId, userId: conn.user.id, clientIds: others }, 'collab took back edits of other users that it did not have');
    this.applyFrom(conn, update);
  }

  /**
   * Applies an update and announces it: the received bytes to everyone else, and whatever Yjs
   * changed on its own in reaction (see `apply`) to everyone.
   */
  private applyAndAnnounce(update: Uint8Array, origin: Connection | ServerWrite | typeof REMOTE, actor: DbActor | null) {
    let changes: Y.Transaction[];
    try {
      changes = this.apply(update, origin);
    } catch (err) {
      // A malformed tail (the delete set) can follow structs that did integrate: those go on as Yjs
      // encodes them, so nobody's copy differs from the server's; then the sender is refused.
      const first = this.changes?.[0];
      this.changes = null;
      if (first) this.changed(Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(first.beforeState)), origin, actor);
      throw new ProtocolError(`malformed update: ${(err as Error).message}`);
    }
    if (changes.length > 0 || this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) this.changed(update, origin, actor);
    // Yjs tidies formatting marks after a remote change to formatted text, in transactions of its own:
    // deletions made here that no client sent. They are everyone's and the stored copy's too.
    for (const tr of changes.slice(1)) this.changed(transactionUpdate(this.doc, tr), YJS_CLEANUP, actor);
  }

  /**
   * Applies an update and returns the transactions that changed the document: the update's own
   * (absent when it brought nothing new), then any Yjs ran in reaction. When it brought something
   * new, or may have (a part waits for missing dependencies), the received bytes themselves are
   * broadcast and stored: equivalent to Yjs re-encoding the transaction, without that cost on every
   * keystroke, and they keep a pending part every client must still receive.
   */
  private apply(update: Uint8Array, origin: unknown): Y.Transaction[] {
    const changes: Y.Transaction[] = (this.changes = []);
    Y.applyUpdate(this.doc, update, origin);
    this.changes = null;
    return changes;
  }

  /**
   * A connection speaks for one awareness client id: the first it announces (y-websocket sends its
   * own state first when it connects). Later entries for other ids are other people's states that
   * the y-websocket client passes on to everyone it hears from: ignored, never claimed. The id may
   * not be the server's own, another live connection's here, or owned by another user.
   */
  private mayUseAwarenessId(conn: Connection, id: number): boolean {
    if (conn.awarenessId !== null) return conn.awarenessId === id;
    if (id === this.doc.clientID) return false;
    const owner = this.owners.get(id);
    if (owner !== undefined && owner !== conn.user.id) return false;
    for (const other of this.connections) if (other.awarenessId === id) return false;
    conn.awarenessId = id;
    return true;
  }

  /**
   * An editor announces its Yjs client id in awareness on connect, before typing: claim it for them
   * now, so their first keystroke does not wait on the database. A failure here changes nothing (the
   * update's own check still decides).
   */
  private claimAhead(conn: Connection) {
    const id = conn.awarenessId;
    if (id === null || this.owners.has(id) || conn.clientIds.has(id)) return;
    const writer: Writer = { actor: conn.actor, clientIds: conn.clientIds, maxClientIds: this.services.limits.maxClientIdsPerConnection };
    try {
      Promise.resolve(checkAuthorship(this.services.db, this.draftId, this.owners, writer, [id])).catch(() => undefined);
    } catch {
      // someone else's id: the update check will refuse it
    }
  }

  /** Applies a change made on the server for a user, after the same authorship check as a client's. */
  async applyServerWrite(update: Uint8Array, write: ServerWrite) {
    const writer: Writer = { actor: write.actor, clientIds: new Set(), maxClientIds: Number.MAX_SAFE_INTEGER };
    await checkAuthorship(this.services.db, this.draftId, this.owners, writer, writersOf(update));
    this.applyAndAnnounce(update, write, write.actor);
  }

  /**
   * A change reached the document: every other local connection receives it; unless it came from
   * another process (which stores and publishes it), it is published and queued for storage as `actor`.
   */
  private changed(update: Uint8Array, origin: Connection | ServerWrite | typeof REMOTE | typeof YJS_CLEANUP, actor: DbActor | null) {
    this.loadedSnapshot = null;
    this.changedOnce = true;
    const frame = binaryFrame(updateMessage(update));
    for (const c of this.connections) if (c !== origin && c.attached) c.sendFrame(frame);
    const { persistence, cluster } = this.services;
    persistence.textChanged(this, actor);
    if (!actor) return;
    this.lastActor = actor;
    persistence.enqueue(this, update, actor, cluster.publishStoring(this.draftId, update));
  }

  private onAwareness({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) {
    if (origin === 'local') return; // the server's own (always empty) state, e.g. on destroy
    // A connection's (sanitized) update goes on as it is, like document updates.
    const update = this.receivedAwareness ?? encodeAwarenessUpdate(this.awareness, added.concat(updated, removed));
    const frame = binaryFrame(awarenessMessage(update));
    // The sender hears its own state back too: y-websocket counts it as a sign of life.
    for (const c of this.connections) if (c.attached) c.sendFrame(frame);
    // Other processes time out a vanished state themselves; remote ones came from there.
    if (origin !== REMOTE && origin !== 'timeout') this.services.cluster.publish(this.draftId, CLUSTER_MESSAGE.AWARENESS, update);
  }

  private onCluster(kind: ClusterMessageKind, payload: Uint8Array, from: ClusterSender) {
    if (this.unloading) return;
    try {
      if (kind === CLUSTER_MESSAGE.STORING_UPDATE) {
        this.applyAndAnnounce(payload, REMOTE, null);
        // Kept until the sender says it stored it: if the sender dies first, it is stored from here.
        if (from.seq !== null) this.services.unconfirmed.received(from.origin, from.seq, this, payload);
      } else if (kind === CLUSTER_MESSAGE.UPDATE) {
        this.applyAndAnnounce(payload, REMOTE, null);
      } else if (kind === CLUSTER_MESSAGE.AWARENESS) {
        applyAwarenessUpdate(this.awareness, payload, REMOTE);
      } else if (kind === CLUSTER_MESSAGE.SYNC_REQUEST && this.loaded) {
        const missing = Y.encodeStateAsUpdate(this.doc, payload);
        if (missing.length > 2) this.services.cluster.publish(this.draftId, CLUSTER_MESSAGE.UPDATE, missing);
        const states = [...this.awareness.getStates().keys()];
        if (states.length > 0) {
          this.services.cluster.publish(this.draftId, CLUSTER_MESSAGE.AWARENESS, encodeAwarenessUpdate(this.awareness, states));
        }
      }
    } catch (err) {
      this.services.log.warn({ err, draftId: this.draftId }, 'collab ignored a malformed message from another process');
    }
  }

  destroy() {
    this.services.cluster.leave(this.draftId);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/**
 * A transaction as an update. Yjs's cleanup transactions only delete: their delete set, encoded as
 * a V1 update with no structs (Yjs has no public encoder for one transaction's delete set).
 */
function transactionUpdate(doc: Y.Doc, tr: Y.Transaction): Uint8Array {
  for (const [client, clock] of tr.afterState) {
    if (tr.beforeState.get(client) !== clock) return Y.encodeStateAsUpdate(doc, Y.encodeStateVector(tr.beforeState));
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0); // no structs
  encoding.writeVarUint(encoder, tr.deleteSet.clients.size);
  for (const [client, ranges] of tr.deleteSet.clients) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const { clock, len } of ranges) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
  return encoding.toUint8Array(encoder);
}

/** Yjs's own test for whether a transaction produces an update. */
function changedAnything(tr: Y.Transaction): boolean {
  if (tr.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) return true;
  return false;
}
