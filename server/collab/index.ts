import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor, type DbActor } from '../../db';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { decideUpgrade } from './auth';
import { appendToStoredDocument } from './document';
import { CLUSTER_MESSAGE, createClusterLink, type ControlMessage } from './cluster';
import { Connection } from './connection';
import { defaultLimits, type CollabLimits } from './limits';
import type { RateLimits } from '../rate-limits';
import { defaultPersistenceOptions, Persistence, type PersistenceOptions } from './persistence';
import { RoomRegistry } from './registry';
import { recheckConnections } from './revocation';
import { ServerWrite, type CollabRoom } from './room';
import { UnconfirmedUpdates } from './unconfirmed';
import { createTransport } from './upgrade';

/**
 * What services (and Remix actions, via `context.collab`) call AFTER their transaction commits.
 */
export interface CollabHub {
  /**
   * Re-evaluates every live connection to a draft, on every process (collaborator added, removed or
   * re-roled; visibility narrowed; draft deleted): lost read → FORBIDDEN, role changed → RETRY.
   */
  recheckDraft(draftId: string): Promise<void>;
  /** The same for every connection of a user (disabled, logged out, password reset, membership or org change). */
  recheckUser(userId: string): Promise<void>;
  /**
   * Stores the buffered updates now (before reading the document from the database): this process's,
   * and with Redis every other process's too (it asks them and waits for their answers, at most 1 s).
   */
  flush(): Promise<void>;
  /**
   * Applies a change made on the server for `actor` (e.g. restoring a version as a new change): to the
   * live document if open here (broadcast and stored like a client's), else stored and published to
   * other processes. Write it under a fresh Yjs client id: an id owned by another user is refused.
   */
  applyUpdate(draftId: string, update: Uint8Array, actor: DbActor): Promise<void>;
}

export interface Collab extends CollabHub {
  /** For main.ts's one upgrade router (prefix COLLAB_PATH). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open connections and documents of this process (tests, benchmarks). */
  stats(): { connections: number; documents: number };
  /** Closes every connection (GOING_AWAY), stores every document, leaves Redis. Call before the database closes. */
  close(): Promise<void>;
}

/** For code paths without a collaboration server (scripts, unit tests): every call does nothing. */
export const nullCollab: CollabHub = {
  recheckDraft: async () => undefined,
  recheckUser: async () => undefined,
  flush: async () => undefined,
  applyUpdate: async () => undefined,
};

const PING_EVERY_MS = 30_000;
/** How long a flush waits for other processes to answer that they stored what they buffered. */
const FLUSH_ANSWER_WAIT_MS = 1000;
/** Sessions expire and memberships change without a recheck call reaching us: confirm every so often. */
const REVALIDATE_AFTER_MS = 10 * 60_000;

export function createCollab(opts: {
  db: Kysely<DB>;
  config: Pick<Config, 'allowedOrigins' | 'trustProxy' | 'sessionSecret' | 'secureCookies' | 'redisUrl'>;
  log: Logger;
  /** Per-user connection attempts (the other limits are per connection). */
  rateLimits?: RateLimits;
  limits?: Partial<CollabLimits>;
  persistence?: Partial<PersistenceOptions>;
}): Collab {
  const { db, config } = opts;
  const log = opts.log.child({ part: 'collab' });
  const limits: CollabLimits = { ...defaultLimits, ...opts.limits };
  const persistenceOptions = { ...defaultPersistenceOptions, ...opts.persistence };
  const persistence = new Persistence(db, log, persistenceOptions);
  const cluster = createClusterLink(config.redisUrl, log);
  // Another process's updates whose sender went silent (died before storing them) are stored here,
  // under the user this process last wrote the document for (draft_client_ids keeps who wrote what).
  const unconfirmed = new UnconfirmedUpdates<CollabRoom>(persistenceOptions.storeUnconfirmedAfterMs, (room, updates) => {
    const actor = room.lastActor;
    if (!actor) return;
    log.warn({ draftId: room.draftId, updates: updates.length }, 'collab stores updates another process sent but did not confirm storing (it may have died)');
    for (const update of updates) persistence.enqueue(room, update, actor);
  });
  if (cluster.enabled) persistence.onStored = (upTo) => cluster.control({ type: 'stored', origin: cluster.id, upTo });
  const registry = new RoomRegistry({ db, log, limits, persistence, cluster, unconfirmed });
  const connections = new Set<Connection>();
  let closing = false;

  const transport = createTransport({
    maxPayload: limits.maxPayload,
    log,
    isClosing: () => closing,
    decide: (req) => decideUpgrade(req, db, config, opts.rateLimits),
    accept(ws, decision) {
      const conn = new Connection(ws, decision.user, decision.token, decision.role, decision.draftId, limits, log);
      connections.add(conn);
      ws.on('message', (data, isBinary) => conn.receive(data, isBinary));
      ws.on('pong', () => { conn.alive = true; });
      ws.on('close', () => {
        connections.delete(conn);
        registry.leave(conn).catch((err) => log.error({ err, draftId: conn.draftId }, 'collab could not close a connection cleanly'));
      });
      registry.enter(conn).catch((err) => {
        log.error({ err, draftId: conn.draftId }, 'collab could not open a document');
        conn.close(1011, 'try again');
      });
    },
  });

  const recheckLocal = (filter: (c: Connection) => boolean) => recheckConnections(db, log, [...connections].filter(filter));
  const recheckRemote = (run: Promise<void>) => { run.catch((err) => log.warn({ err }, 'collab recheck from another process failed')); };
  /** Flush requests of this process waiting for other processes' answers, by request id. */
  const flushAnswers = new Map<string, () => void>();
  cluster.onControl((message: ControlMessage) => {
    switch (message.type) {
      case 'flush':
        void persistence.flush().then(() => cluster.control({ type: 'flushed', requestId: message.requestId }));
        return;
      case 'flushed':
        flushAnswers.get(message.requestId)?.();
        return;
      case 'stored':
        unconfirmed.confirmed(message.origin, message.upTo);
        return;
      case 'recheckDraft':
        return recheckRemote(recheckLocal((c) => c.draftId === message.draftId));
      case 'recheckUser':
        return recheckRemote(recheckLocal((c) => c.user.id === message.userId));
    }
  });

  /**
   * Asks every other process to store what it buffers and waits for their answers: at most
   * FLUSH_ANSWER_WAIT_MS in all (a process that died, or Redis away), then it goes on without them.
   */
  async function flushOthers() {
    const requestId = crypto.randomUUID();
    const answered = (async () => {
      const peers = await cluster.peers();
      if (peers === 0) return true;
      let answers = 0;
      const all = new Promise<boolean>((resolve) => flushAnswers.set(requestId, () => { if (++answers === peers) resolve(true); }));
      cluster.control({ type: 'flush', requestId });
      return all;
    })().catch(() => false);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), FLUSH_ANSWER_WAIT_MS); });
    if (!(await Promise.race([answered, late]))) log.warn('collab flush: not every process answered in time');
    clearTimeout(timer);
    flushAnswers.delete(requestId);
  }

  const keepalive = setInterval(() => {
    const stale: Connection[] = [];
    for (const conn of connections) {
      if (!conn.alive) { conn.ws.terminate(); continue; }
      conn.alive = false;
      try { conn.ws.ping(); } catch { conn.ws.terminate(); }
      if (Date.now() - conn.checkedAt > REVALIDATE_AFTER_MS) stale.push(conn);
    }
    if (stale.length > 0) recheckConnections(db, log, stale).catch(() => undefined);
  }, PING_EVERY_MS);
  keepalive.unref();

  return {
    handleUpgrade: transport.handleUpgrade,

    async recheckDraft(draftId) {
      cluster.control({ type: 'recheckDraft', draftId });
      await recheckLocal((c) => c.draftId === draftId);
    },

    async recheckUser(userId) {
      cluster.control({ type: 'recheckUser', userId });
      await recheckLocal((c) => c.user.id === userId);
    },

    async flush() {
      await Promise.all([persistence.flush(), cluster.enabled ? flushOthers() : undefined]);
    },

    async applyUpdate(draftId, update, actor) {
      const room = await registry.current(draftId);
      if (room) return room.applyServerWrite(update, new ServerWrite(actor));
      await withActor(db, actor, (trx) => appendToStoredDocument(trx, draftId, update, actor.id));
      cluster.publish(draftId, CLUSTER_MESSAGE.UPDATE, update);
    },

    stats: () => ({ connections: connections.size, documents: registry.size }),

    async close() {
      if (closing) return;
      closing = true;
      clearInterval(keepalive);
      registry.beginShutdown();
      for (const conn of connections) conn.goAway();
      // Give clients a moment to answer the close frame, then cut whoever did not.
      const deadline = Date.now() + 1000;
      while ([...transport.clients()].some((ws) => ws.readyState !== WebSocket.CLOSED) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const ws of transport.clients()) ws.terminate();
      await registry.closeAll();
      unconfirmed.close();
      await persistence.close();
      await transport.close();
      await cluster.close();
      log.info('collaboration server stopped');
    },
  };
}
