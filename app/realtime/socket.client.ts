import { io, type Socket } from 'socket.io-client';
import { REALTIME_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/realtime/events';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A refused handshake for a passing reason is retried: the database was busy (soon), or this user
 * opened too many connections in a minute (after it). Others (signed out) are final.
 */
const RETRY_AFTER_MS: Record<string, number> = { unavailable: 5000, 'too-many': 60_000 };

let socket: AppSocket | undefined;

/**
 * The one socket of this tab, created on first use (browser only). Websocket transport only, as
 * the server accepts; socket.io reconnects by itself after a network or server restart. The
 * session cookie rides on the handshake: there is nothing to pass.
 */
export function getSocket(): AppSocket {
  if (socket) return socket;
  const s: AppSocket = io({ path: REALTIME_PATH, transports: ['websocket'], autoConnect: false });
  s.on('connect_error', (err) => {
    const code = (err as Error & { data?: { code?: string } }).data?.code;
    const wait = code ? RETRY_AFTER_MS[code] : undefined;
    if (!s.active && wait) setTimeout(() => { if (!s.active) s.connect(); }, wait);
  });
  socket = s;
  return s;
}
