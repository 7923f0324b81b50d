import { getSessionUser, type SessionUser } from '../auth/sessions';
import type { RecordKind } from '../../shared/realtime/events';
import { actorRooms, isMembershipRoom, rooms, workspaceOfRoom } from '../../shared/realtime/rooms';
import { authorizeWatch } from './records';
import { socketDataOf, type RealtimeSocket, type RealtimeState, type SocketData } from './types';

/**
 * Keeping a socket's rooms equal to what its session may read now. Membership is loaded per
 * request for pages; sockets live long, so every change of access is pushed here at once.
 */

/** This process's sockets in a room (other processes handle theirs, see InterServerEvents). */
export function localSockets(state: RealtimeState, room: string): RealtimeSocket[] {
  const nsp = state.io.of('/');
  const ids = nsp.adapter.rooms.get(room);
  if (!ids) return [];
  return [...ids].map((id) => nsp.sockets.get(id)).filter((s): s is RealtimeSocket => !!s);
}

/** The session is over: say so, then close (the client does not reconnect after a server disconnect). */
export function endSession(socket: RealtimeSocket) {
  if (!socket.connected) return;
  socket.emit('session:ended');
  socket.disconnect(true);
}

const accessKey = (a: SocketData['actor']) =>
  JSON.stringify([a.region, a.orgId, [...a.roles].sort(), Object.entries(a.workspaces).sort()]);

/**
 * Moves a socket to the rooms of the user's current memberships and roles. Rooms the user lost are
 * left synchronously before anything is awaited; watched records are then read again as the new actor.
 */
export async function applyAccess(state: RealtimeState, socket: RealtimeSocket, user: SessionUser): Promise<boolean> {
  const before = socket.data.actor;
  const next = socketDataOf(user);
  socket.data = next;
  if (accessKey(before) === accessKey(next.actor)) return false;

  const desired = new Set(actorRooms(next.actor));
  const touched = new Set<string>();
  for (const room of [...socket.rooms]) {
    if (isMembershipRoom(room) && !desired.has(room)) {
      socket.leave(room);
      const w = workspaceOfRoom(room);
      if (w) touched.add(w);
    }
  }
  const watched = state.watched.get(socket) ?? new Map();
  for (const [room, ref] of watched) {
    if (!ref.readable(next.actor)) { socket.leave(room); watched.delete(room); }
  }
  for (const room of desired) {
    if (socket.rooms.has(room)) continue;
    socket.join(room);
    const w = workspaceOfRoom(room);
    if (w) touched.add(w);
  }
  for (const w of touched) state.presenceChanged(w);

  // What the cached view still allows, the database must confirm (visibility may have narrowed meanwhile).
  for (const room of [...watched.keys()]) {
    const [, kind, id] = room.split(':');
    const ref = await authorizeWatch(state.db, next.actor, kind as RecordKind, id).catch(() => null);
    if (ref) watched.set(room, ref);
    else { socket.leave(room); watched.delete(room); }
  }
  socket.emit('access:changed');
  return true;
}

/**
 * Reads the socket's session again: ended → the socket closes; otherwise its rooms follow the
 * current memberships. `sessions` shares lookups between sockets of one session.
 */
export async function refreshSocket(
  state: RealtimeState, socket: RealtimeSocket, sessions = new Map<string, Promise<SessionUser | null>>(),
): Promise<SessionUser | null> {
  const token = state.tokens.get(socket);
  let user: SessionUser | null = null;
  if (token) {
    if (!sessions.has(token)) sessions.set(token, getSessionUser(state.db, token));
    user = await sessions.get(token)!;
  }
  if (!user || user.id !== socket.data.user.id) {
    endSession(socket);
    return null;
  }
  await applyAccess(state, socket, user);
  return user;
}

/** Every local socket of a user, refreshed (logout, disable, membership or role change). */
export function refreshUserSockets(state: RealtimeState, userId: string) {
  return refreshSockets(state, localSockets(state, rooms.user(userId)));
}

/**
 * Every socket of this process, refreshed: sessions also end by expiring (idle, absolute age),
 * which nothing announces, so index.ts calls this every few minutes.
 */
export function refreshAllSockets(state: RealtimeState) {
  return refreshSockets(state, [...state.io.of('/').sockets.values()]);
}

async function refreshSockets(state: RealtimeState, sockets: RealtimeSocket[]) {
  const sessions = new Map<string, Promise<SessionUser | null>>();
  await Promise.all(sockets.map((s) => refreshSocket(state, s, sessions).catch((err) => {
    state.log.warn({ err, userId: s.data.user.id }, 'realtime access refresh failed; closing the socket');
    endSession(s);
  })));
}
