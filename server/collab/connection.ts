import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import type { DbActor } from '../../db';
import type { CollaboratorRole } from '../../shared/policy';
import { CLOSE } from '../../shared/realtime/collab';
import type { SessionUser } from '../auth/sessions';
import type { Logger } from '../logger';
import { AwarenessRefused, identityOf, type AwarenessIdentity } from './awareness';
import { connectionRateLimiter, type CollabLimits } from './limits';
import { decodeClientMessage, ProtocolError } from './protocol';
import type { CollabRoom } from './room';
import { OutsideSchema } from './update-check';

/** Close code for a failure of ours (database unavailable): the client retries. */
export const CLOSE_INTERNAL_ERROR = 1011;

/**
 * One client's WebSocket on one draft: its session, role, the Yjs client ids it uses, and the
 * limits it must stay within. Messages are handled in order; one that waits for the database
 * (authorship of a new client id) holds the ones behind it. Nothing thrown here leaves a socket
 * callback: a bad message closes this connection only.
 */
export class Connection {
  /** Yjs client ids whose content this connection has written. */
  readonly clientIds = new Set<number>();
  /** The awareness client id this connection speaks for (its first announced; see CollabRoom). */
  awarenessId: number | null = null;
  identity: AwarenessIdentity;
  room: CollabRoom | null = null;
  /** Greeted by its room (sync step 1 sent): broadcasts reach it from now on. */
  attached = false;
  /** Answered a ping since the last one. */
  alive = true;
  /** When its session and access were last confirmed. */
  checkedAt = Date.now();
  /** Closed by this server (revoked, refused a message): nothing it sent is applied any more. */
  closedByServer = false;
  private backlog: Uint8Array[] = [];
  private busy = true; // until the room is loaded
  private idleWaiters: Array<() => void> = [];
  private readonly allow: (bytes: number) => boolean;
  /** The socket under `ws`, for frames built once for many connections (see binaryFrame). */
  private readonly socket: Duplex;

  private sessionUser!: SessionUser;
  private dbActor!: DbActor;

  constructor(
    readonly ws: WebSocket,
    user: SessionUser,
    readonly token: string,
    public role: CollaboratorRole,
    readonly draftId: string,
    private readonly limits: CollabLimits,
    private readonly log: Logger,
  ) {
    this.user = user;
    this.identity = identityOf(user);
    this.allow = connectionRateLimiter(limits);
    this.socket = (ws as unknown as { _socket: Duplex })._socket;
  }

  /** The database identity of `user` (kept in step by `user`'s setter; read on every update). */
  get actor(): DbActor {
    return this.dbActor;
  }

  get user(): SessionUser {
    return this.sessionUser;
  }

  set user(user: SessionUser) {
    this.sessionUser = user;
    this.dbActor = { id: user.id, region: user.region, orgId: user.orgId };
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Its room is loaded and greeted it: handle what arrived meanwhile. */
  start(room: CollabRoom) {
    this.room = room;
    room.attach(this);
    this.attached = true;
    this.busy = false;
    this.drain();
  }

  /**
   * Resolves once every message received before the socket closed has been handled (a client that
   * types and closes its tab at once: its last edit may still wait for an authorship check).
   */
  settled(): Promise<void> {
    if (this.idle || !this.room) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private get idle() {
    return this.closedByServer || (!this.busy && this.backlog.length === 0);
  }

  private notifyIdle() {
    if (!this.idle) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  receive(data: RawData, isBinary: boolean) {
    // After a shutdown close (goAway) what the client sent before seeing it is still handled.
    if (this.closedByServer) return;
    if (!isBinary) return this.close(CLOSE.BAD_MESSAGE, 'binary messages only');
    const bytes = toBytes(data);
    if (!this.allow(bytes.length)) return this.close(CLOSE.RATE_LIMITED, 'too many messages');
    if (this.busy) {
      if (this.backlog.length >= this.limits.maxBacklog) return this.close(CLOSE.RATE_LIMITED, 'too many messages');
      this.backlog.push(bytes);
      return;
    }
    this.process(bytes);
  }

  private process(bytes: Uint8Array) {
    try {
      const pending = this.room!.handle(this, decodeClientMessage(bytes));
      if (!pending) return;
      this.busy = true;
      pending.then(() => { this.busy = false; this.drain(); }, (err) => this.fail(err));
    } catch (err) {
      this.fail(err);
    }
  }

  private drain() {
    while (!this.busy && this.backlog.length > 0 && !this.closedByServer) this.process(this.backlog.shift()!);
    this.notifyIdle();
  }

  private fail(err: unknown) {
    if (err instanceof OutsideSchema) {
      this.log.warn({ draftId: this.draftId, userId: this.user.id, reason: err.message }, 'collab refused an edit outside the schema');
      this.close(CLOSE.OUTSIDE_SCHEMA, 'edit outside the document schema');
    } else if (err instanceof ProtocolError || err instanceof AwarenessRefused) {
      this.log.info({ draftId: this.draftId, userId: this.user.id, reason: (err as Error).message }, 'collab closed a connection for a bad message');
      this.close(CLOSE.BAD_MESSAGE, 'bad message');
    } else {
      this.log.error({ err, draftId: this.draftId, userId: this.user.id }, 'collab message handling failed');
      this.close(CLOSE_INTERNAL_ERROR, 'try again');
    }
  }

  send(message: Uint8Array) {
    this.sendFrame(binaryFrame(message));
  }

  /**
   * Sends a frame made by binaryFrame (a broadcast frames its message once for every connection).
   * It goes straight to the socket, in order with ws's own frames (pings, close): ws writes
   * synchronously while it does not compress (the transport turns compression off). No callback: a
   * failed write errors the socket, which closes it (and this connection) anyway.
   */
  sendFrame(frame: Buffer) {
    if (this.writable()) this.socket.write(frame);
  }

  /** Whether the socket takes more; a client that stopped reading is cut here. */
  private writable(): boolean {
    if (!this.open) return false;
    // A client that stopped reading would make us buffer without end.
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      // A close frame would queue behind what it does not read: cut it.
      this.close(CLOSE.RATE_LIMITED, 'not reading');
      this.ws.terminate();
      return false;
    }
    return true;
  }

  /** The server is shutting down: close, but handle what the client sent before it saw the close. */
  goAway() {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(CLOSE.GOING_AWAY, 'server shutting down');
  }

  close(code: number, reason: string) {
    this.closedByServer = true;
    this.backlog = [];
    this.notifyIdle();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }
}

/**
 * A message as one unmasked binary WebSocket frame (RFC 6455 §5.2), built once for every connection
 * it goes to: ws.send frames each send anew, a third of the CPU we spent above the reference server
 * under load (ws's author suggests pre-framing for broadcasts, websockets/ws#1016).
 */
export function binaryFrame(message: Uint8Array): Buffer {
  const length = message.byteLength;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x82; // FIN, opcode 2 (binary)
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(message, header);
  return frame;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
