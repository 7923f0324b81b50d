import type { Server, Socket } from 'socket.io';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Logger } from '../logger';
import type { Actor } from '../../shared/policy';
import type { SessionUser } from '../auth/sessions';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../../shared/realtime/events';

/**
 * What a socket carries. It travels to other processes with `fetchSockets()` under the Redis
 * adapter, so it holds no credential: the session token stays in a process-local WeakMap.
 */
export interface SocketData {
  user: { id: string; displayName: string; region: string; orgId: string };
  actor: Actor;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** A watched record's read rule, as the policy decides it for any actor (kept while the socket watches it). */
export interface Watched { readable(actor: Actor): boolean }

/** The pieces the realtime modules share inside one process. */
export interface RealtimeState {
  io: RealtimeServer;
  db: Kysely<DB>;
  log: Logger;
  /** Session token per socket (this process only). */
  tokens: WeakMap<RealtimeSocket, string>;
  /** Record rooms a socket watches, with the record's policy view when it was allowed. */
  watched: WeakMap<RealtimeSocket, Map<string, Watched>>;
  /** Schedules a presence broadcast for a workspace. */
  presenceChanged(workspaceId: string): void;
  /** True when an adapter spreads events over several processes. */
  clustered: boolean;
}

/** A plain copy of the session user's policy view (no prototype, no token). */
export function socketDataOf(user: SessionUser): SocketData {
  return {
    user: { id: user.id, displayName: user.displayName, region: user.region, orgId: user.orgId },
    actor: { id: user.id, region: user.region, orgId: user.orgId, roles: [...user.roles], workspaces: { ...user.workspaces } },
  };
}
