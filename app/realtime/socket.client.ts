import { io, type Socket } from 'socket.io-client';
import { REALTIME_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/realtime/events';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A refused handshake for a passing reason (database busy) is retried; others (signed out) are final. */
const RETRY_UNAVAILABLE_MS = 5000;

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
    if (!s.active && code === 'unavailable') setTimeout(() => { if (!s.active) s.connect(); }, RETRY_UNAVAILABLE_MS);
  });
  socket = s;
  return s;
}
