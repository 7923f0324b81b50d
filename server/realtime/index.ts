import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as EngineServer } from 'engine.io';
import { Server } from 'socket.io';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { REALTIME_PATH, recordTargetSchema, workspaceTargetSchema, type Ack, type RefusalCode } from '../../shared/realtime/events';
import { actorRooms, rooms, workspaceOfRoom } from '../../shared/realtime/rooms';
import type { RateLimits } from '../rate-limits';
import { authenticateHandshake, HandshakeRefusal } from './auth';
import { attachCluster } from './cluster';
import { createHub, type RealtimeHub } from './hub';
import { createPresence } from './presence';
import { authorizeWatch } from './records';
import { refreshAllSockets, refreshSocket, refreshUserSockets } from './access';
import { socketDataOf, type RealtimeServer, type RealtimeSocket, type RealtimeState } from './types';

export type { RealtimeHub } from './hub';
export { nullHub } from './hub';

/** A page watches a handful of records; a socket asking for more is misbehaving. */
const MAX_WATCHED = 50;
/** How often every socket's session is read again (an expired session ends its sockets within this). */
const REVALIDATE_EVERY_MS = 5 * 60_000;

export interface Realtime {
  io: RealtimeServer;
  hub: RealtimeHub;
  /** For main.ts's one upgrade router (prefix REALTIME_PATH): hands the request to engine.io. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Reads every socket's session again now (also done every REVALIDATE_EVERY_MS). */
  revalidate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * socket.io on the app's HTTP server without attaching to it: main.ts owns the single 'upgrade'
 * listener (engine.io's own would destroy /collab/ upgrades it does not own). Websocket transport
 * only, so a load balancer needs no sticky sessions.
 */
export async function createRealtime(opts: { db: Kysely<DB>; config: Config; log: Logger; rateLimits?: RateLimits }): Promise<Realtime> {
  const { db, config } = opts;
  const log = opts.log.child({ part: 'realtime' });
  // main.ts routes by path prefix; engine.io only checks the path when attached, which we are not.
  const engine = new EngineServer({
    transports: ['websocket'],
    allowUpgrades: false,
    maxHttpBufferSize: 64 * 1024, // clients send small requests only
  });
  const io: RealtimeServer = new Server({ path: REALTIME_PATH, transports: ['websocket'], serveClient: false });
  io.bind(engine);
  const cluster = await attachCluster(io, config, log);
  const presence = createPresence(io, log);
  const state: RealtimeState = {
    io, db, log,
    tokens: new WeakMap(),
    watched: new WeakMap(),
    presenceChanged: presence.changed,
    clustered: cluster.clustered,
  };
  const hub = createHub(state);

  io.use((socket, next) => {
    authenticateHandshake(socket.request, db, config).then(async (found) => {
      if (opts.rateLimits && !(await opts.rateLimits.take('connection', found.user.id))) {
        throw new HandshakeRefusal('too-many', 'too many connections, try again in a minute');
      }
      return found;
    }).then(({ user, token }) => {
      state.tokens.set(socket, token);
      socket.data = socketDataOf(user);
      next();
    }, (err) => {
      if (!(err instanceof HandshakeRefusal)) log.error({ err }, 'realtime handshake failed');
      next(err instanceof HandshakeRefusal ? err : new HandshakeRefusal('unavailable', 'service unavailable, try again'));
    });
  });

  io.on('connection', (socket) => {
    state.watched.set(socket, new Map());
    socket.join(actorRooms(socket.data.actor));
    for (const w of Object.keys(socket.data.actor.workspaces)) presence.changed(w);
    registerClientEvents(state, socket, presence.snapshot);
    socket.on('disconnecting', () => {
      for (const room of socket.rooms) {
        const w = workspaceOfRoom(room);
        if (w) presence.changed(w);
      }
    });
  });

  // Another process asks each process to refresh its own sockets of a user (tokens stay local).
  // `done`, when the sender asked for acknowledgements, tells it the sockets here have moved.
  io.on('access:refresh', (userId, done?: unknown) => {
    refreshUserSockets(state, userId)
      .catch((err) => log.warn({ err, userId }, 'realtime access refresh failed'))
      .finally(() => { if (typeof done === 'function') done(); });
  });

  const revalidate = () => refreshAllSockets(state);
  const revalidating = setInterval(() => { void revalidate(); }, REVALIDATE_EVERY_MS);
  revalidating.unref();

  return {
    io,
    hub,
    handleUpgrade: (req, socket, head) => engine.handleUpgrade(req, socket, head),
    revalidate,
    async close() {
      clearInterval(revalidating);
      presence.close();
      await io.close();
      await cluster.close();
    },
  };
}

function registerClientEvents(
  state: RealtimeState, socket: RealtimeSocket, snapshot: ReturnType<typeof createPresence>['snapshot'],
) {
  const { log } = state;
  // A client may leave out the acknowledgement (or send something else); never call a non-function.
  const replier = <T extends object>(ack: unknown) => (result: Ack<T>) => {
    if (typeof ack === 'function') ack(result);
  };
  const refused = (error: RefusalCode) => ({ ok: false as const, error });
  const failed = (err: unknown, what: string) => {
    log.warn({ err, userId: socket.data.user.id }, `realtime ${what} failed`);
    return refused('unavailable');
  };

  socket.on('record:watch', async (raw, ack) => {
    const reply = replier(ack);
    const target = recordTargetSchema.safeParse(raw);
    if (!target.success) return reply(refused('invalid'));
    const { kind, id } = target.data;
    const room = rooms.record(kind, id);
    const watched = state.watched.get(socket)!;
    if (!watched.has(room) && watched.size >= MAX_WATCHED) return reply(refused('too-many'));
    try {
      // Memberships may have changed since the handshake: decide on the session as it is now.
      const user = await refreshSocket(state, socket);
      if (!user) return reply(refused('unauthorized'));
      const ref = await authorizeWatch(state.db, socket.data.actor, kind, id);
      if (!ref || !socket.connected) return reply(refused('not-found'));
      watched.set(room, ref);
      socket.join(room);
      reply({ ok: true });
    } catch (err) {
      reply(failed(err, 'record:watch'));
    }
  });

  socket.on('record:unwatch', (raw, ack) => {
    const reply = replier(ack);
    const target = recordTargetSchema.safeParse(raw);
    if (!target.success) return reply(refused('invalid'));
    const room = rooms.record(target.data.kind, target.data.id);
    state.watched.get(socket)?.delete(room);
    socket.leave(room);
    reply({ ok: true });
  });

  socket.on('presence:get', async (raw, ack) => {
    const reply = replier<Awaited<ReturnType<typeof snapshot>>>(ack);
    const target = workspaceTargetSchema.safeParse(raw);
    if (!target.success) return reply(refused('invalid'));
    const { workspaceId } = target.data;
    // Membership as this socket's rooms say (kept current by refreshAccess).
    if (!socket.rooms.has(rooms.workspace(workspaceId))) return reply(refused('not-found'));
    try {
      reply({ ok: true, ...(await snapshot(workspaceId)) });
    } catch (err) {
      reply(failed(err, 'presence:get'));
    }
  });
}
