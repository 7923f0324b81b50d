import type { Actor, ProposalRef, RecordRef } from '../../shared/policy';
import type { ChangeAction, RecordChange, RecordKind, ServerToClientEvents } from '../../shared/realtime/events';
import { audienceRooms, proposalAudienceRooms, rooms } from '../../shared/realtime/rooms';
import { localSockets, refreshUserSockets } from './access';
import type { RealtimeState, Watched } from './types';
import { watchedProposal, watchedRecord } from './watched';

type ServerEvent = keyof ServerToClientEvents;
type Args<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>;

/**
 * What services (and Remix actions, via `context.realtime`) call AFTER their transaction commits.
 * Payloads say only what changed (kind, id, workspace, action): never record text.
 */
export interface RealtimeHub {
  /** To every member of a workspace: only for facts every member may know (workspace renamed, members changed). */
  toWorkspace<E extends ServerEvent>(workspaceId: string, event: E, ...args: Args<E>): void;
  /** To every socket of one user (their notifications, their access). */
  toUser<E extends ServerEvent>(userId: string, event: E, ...args: Args<E>): void;
  /** To the sockets viewing one record (each was allowed to read it by `record:watch`). */
  toRecord<E extends ServerEvent>(kind: RecordKind, id: string, event: E, ...args: Args<E>): void;
  /**
   * A record changed: `record:changed` to exactly the rooms that may read it by its visibility
   * (joint → the workspace; region → that region's members; org → that org's members; plus
   * assigned handling units) and to its watchers. Pass the record's policy view AFTER the change;
   * for `visibility`, watchers who may no longer read it are told and leave first; for `deleted`, after.
   */
  recordChanged(kind: RecordKind, id: string, ref: RecordRef, action: ChangeAction): Promise<void>;
  /**
   * A proposal changed: to its watchers and its assigned units. With `evict`, watchers who may no
   * longer read it by that view leave first (a unit whose assignment was returned); pass it only with a
   * view that lists every unit (a unit's own view lists only itself).
   */
  proposalChanged(id: string, ref: ProposalRef, evict: boolean): Promise<void>;
  /**
   * Re-reads the sessions and memberships of a user's sockets: sockets whose session ended
   * (logout, disabled, password reset) close; the others leave rooms they lost and join new ones.
   */
  refreshAccess(userId: string): Promise<void>;
  /** Closes every socket of a user on every process (disabled; sessions revoked). */
  disconnectUser(userId: string): Promise<void>;
}

export function createHub(state: RealtimeState): RealtimeHub {
  const { io } = state;
  const emit = (room: string | string[], event: ServerEvent, args: unknown[]) =>
    (io.to(room).emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);

  /**
   * Watchers of a record who may no longer read it leave its room (null: everyone leaves), told `change`
   * first so that their open page reloads and says the record is gone rather than showing it stale.
   */
  async function evictWatchers(room: string, rule: Watched | null, change: RecordChange | null) {
    const allowed = (a: Actor) => rule !== null && rule.readable(a);
    for (const s of localSockets(state, room)) {
      const watched = state.watched.get(s);
      if (allowed(s.data.actor)) { watched?.set(room, rule!); continue; }
      if (change) s.emit('record:changed', change);
      s.leave(room);
      watched?.delete(room);
    }
    if (!state.clustered) return;
    for (const s of await io.in(room).fetchSockets()) {
      if (allowed(s.data.actor)) continue;
      if (change) s.emit('record:changed', change);
      s.leave(room);
    }
  }

  return {
    toWorkspace: (workspaceId, event, ...args) => { emit(rooms.workspace(workspaceId), event, args); },
    toUser: (userId, event, ...args) => { emit(rooms.user(userId), event, args); },
    toRecord: (kind, id, event, ...args) => { emit(rooms.record(kind, id), event, args); },

    async recordChanged(kind, id, ref, action) {
      const room = rooms.record(kind, id);
      const change: RecordChange = { kind, id, workspaceId: ref.workspaceId, action };
      if (action === 'visibility') await evictWatchers(room, watchedRecord(ref), change);
      io.to([...audienceRooms(ref), room]).emit('record:changed', change);
      if (action === 'deleted') await evictWatchers(room, null, null);
    },

    async proposalChanged(id, ref, evict) {
      const room = rooms.record('proposal', id);
      const change: RecordChange = { kind: 'proposal', id, workspaceId: ref.workspaceId, action: 'updated' };
      if (evict) await evictWatchers(room, watchedProposal(ref), change);
      io.to([...proposalAudienceRooms(ref), room]).emit('record:changed', change);
    },

    async refreshAccess(userId) {
      await refreshUserSockets(state, userId);
      // Wait for the other processes too: an event sent right after must not reach a socket that lost the room.
      if (state.clustered) {
        await io.serverSideEmitWithAck('access:refresh', userId)
          .catch((err: unknown) => state.log.warn({ err, userId }, 'realtime access refresh on other processes failed'));
      }
    },

    async disconnectUser(userId) {
      const sockets = io.in(rooms.user(userId));
      sockets.emit('session:ended');
      sockets.disconnectSockets(true);
    },
  };
}

/** For code paths without a realtime server (scripts, unit tests): every call does nothing. */
export const nullHub: RealtimeHub = {
  toWorkspace: () => undefined,
  toUser: () => undefined,
  toRecord: () => undefined,
  recordChanged: async () => undefined,
  proposalChanged: async () => undefined,
  refreshAccess: async () => undefined,
  disconnectUser: async () => undefined,
};
