import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logger';
import { CLOSE } from '../../shared/realtime/collab';
import type { UpgradeDecision } from './auth';
import { CLOSE_INTERNAL_ERROR } from './connection';

/**
 * The transport: turns an HTTP upgrade on `/collab/...` into a WebSocket, whatever the decision.
 * A refusal completes the handshake and closes with its code (a browser never sees the HTTP status
 * of a failed upgrade); the document core only ever gets accepted sockets.
 */
export function createTransport(opts: {
  maxPayload: number;
  log: Logger;
  decide: (req: IncomingMessage) => Promise<UpgradeDecision>;
  accept: (ws: WebSocket, decision: Extract<UpgradeDecision, { ok: true }>) => void;
  isClosing: () => boolean;
}) {
  // No compression: keystrokes are tiny, and Connection.sendFrame relies on ws writing synchronously.
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload, perMessageDeflate: false });

  const complete = (req: IncomingMessage, socket: Duplex, head: Buffer, then: (ws: WebSocket) => void) => {
    if (socket.destroyed) return;
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', (err) => opts.log.debug({ err }, 'collab socket error'));
        then(ws);
      });
    } catch (err) {
      opts.log.warn({ err }, 'collab upgrade failed');
      socket.destroy();
    }
  };

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    // A client that resets the connection while we check it must not crash the process.
    socket.on('error', (err) => opts.log.debug({ err }, 'collab upgrade socket error'));
    if (opts.isClosing()) {
      complete(req, socket, head, (ws) => ws.close(CLOSE.GOING_AWAY, 'server shutting down'));
      return;
    }
    opts.decide(req).then((decision) => {
      complete(req, socket, head, (ws) => {
        try {
          if (!decision.ok) ws.close(decision.code, decision.reason);
          else if (opts.isClosing()) ws.close(CLOSE.GOING_AWAY, 'server shutting down');
          else opts.accept(ws, decision);
        } catch (err) {
          opts.log.error({ err }, 'collab could not accept a connection');
          ws.close(CLOSE_INTERNAL_ERROR, 'try again');
        }
      });
    }, (err) => {
      opts.log.error({ err }, 'collab could not check an upgrade');
      complete(req, socket, head, (ws) => ws.close(CLOSE_INTERNAL_ERROR, 'try again'));
    });
  }

  return {
    handleUpgrade,
    clients: () => wss.clients,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}
