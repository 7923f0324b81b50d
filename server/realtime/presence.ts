import type { Logger } from '../logger';
import { rooms } from '../../shared/realtime/rooms';
import type { PresenceEntry, PresenceSnapshot } from '../../shared/realtime/events';
import type { RealtimeServer } from './types';

/** Joins and leaves come in bursts (reconnect waves, several tabs): one broadcast per workspace per window. */
const SETTLE_MS = 150;

/**
 * Who is online per workspace, derived from the sockets in its room. `fetchSockets()` asks every
 * process under the Redis adapter, so the list is right across the cluster without a shared store.
 */
export function createPresence(io: RealtimeServer, log: Logger) {
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  async function snapshot(workspaceId: string): Promise<PresenceSnapshot> {
    const sockets = await io.in(rooms.workspace(workspaceId)).fetchSockets();
    const byUser = new Map<string, PresenceEntry>();
    for (const s of sockets) {
      const u = s.data.user;
      if (u && !byUser.has(u.id)) byUser.set(u.id, { userId: u.id, displayName: u.displayName, region: u.region });
    }
    const online = [...byUser.values()].sort((a, b) =>
      a.region.localeCompare(b.region) || a.displayName.localeCompare(b.displayName, 'zh-CN') || a.userId.localeCompare(b.userId));
    return { workspaceId, online };
  }

  /** Always sent, even if the list looks unchanged: a socket that just joined has not had it yet. */
  async function broadcast(workspaceId: string) {
    io.to(rooms.workspace(workspaceId)).emit('presence:changed', await snapshot(workspaceId));
  }

  function changed(workspaceId: string) {
    if (closed || timers.has(workspaceId)) return;
    timers.set(workspaceId, setTimeout(() => {
      timers.delete(workspaceId);
      broadcast(workspaceId).catch((err) => log.warn({ err, workspaceId }, 'presence broadcast failed'));
    }, SETTLE_MS));
  }

  /** Shutting down: sockets closing now need no announcement. */
  function close() {
    closed = true;
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  }

  return { snapshot, changed, close };
}
