import crypto from 'node:crypto';
import type { Logger } from '../logger';
import { connectRedis } from '../redis';

/**
 * Fan-out between server processes (REDIS_URL set): one Redis channel per open document carries
 * its updates and awareness, tagged with the sending process so each ignores its own; a control
 * channel carries access rechecks to every process. Only the process whose client sent an update
 * persists it (the others apply it in memory). Without REDIS_URL this is a no-op.
 * The control channel also carries flush requests: a version or export made on one process must
 * include the keystrokes another process still buffers; and, after each of its writes, how far a
 * process has stored the updates it published (`stored`): until then the receivers keep them, and
 * store them themselves if that word never comes (the sender died with them in its buffer; see
 * unconfirmed.ts).
 */

export const CLUSTER_MESSAGE = {
  /** A Yjs update applied by the sender. */
  UPDATE: 0,
  /** An awareness update (already sanitized by the sender). */
  AWARENESS: 1,
  /** A process that just opened the document sends its state vector; the others answer with what it lacks. */
  SYNC_REQUEST: 2,
  /** An update the sender applied and will store: a sequence number of the sender's (float64 BE), then the update. */
  STORING_UPDATE: 3,
} as const;
export type ClusterMessageKind = (typeof CLUSTER_MESSAGE)[keyof typeof CLUSTER_MESSAGE];

export type ControlMessage =
  | { type: 'recheckDraft'; draftId: string }
  | { type: 'recheckUser'; userId: string }
  /** Store what you have buffered, then answer `flushed` with the same id. */
  | { type: 'flush'; requestId: string }
  | { type: 'flushed'; requestId: string }
  /** The sender (`origin`, its ClusterLink id) stored every STORING_UPDATE it published up to `upTo`. */
  | { type: 'stored'; origin: string; upTo: number };

/** Who sent a document message: the sending process's id and, for a STORING_UPDATE, its sequence number. */
export interface ClusterSender { origin: string; seq: number | null }

export interface ClusterLink {
  readonly enabled: boolean;
  /** This process's id in `stored` messages and in ClusterSender.origin. */
  readonly id: string;
  /** Subscribes to a document's channel (resolves once subscribed, or after a short wait if Redis is down). */
  join(draftId: string, onMessage: (kind: ClusterMessageKind, payload: Uint8Array, from: ClusterSender) => void): Promise<void>;
  leave(draftId: string): void;
  publish(draftId: string, kind: ClusterMessageKind, payload: Uint8Array): void;
  /** Publishes an update this process will store (STORING_UPDATE); returns its sequence number (0 without Redis). */
  publishStoring(draftId: string, update: Uint8Array): number;
  control(message: ControlMessage): void;
  onControl(handler: (message: ControlMessage) => void): void;
  /** How many other processes listen on the control channel now. */
  peers(): Promise<number>;
  close(): Promise<void>;
}

const ORIGIN_BYTES = 16;
const SUBSCRIBE_WAIT_MS = 2000;

export const localOnly: ClusterLink = {
  enabled: false,
  id: '',
  join: async () => undefined,
  leave: () => undefined,
  publish: () => undefined,
  publishStoring: () => 0,
  control: () => undefined,
  onControl: () => undefined,
  peers: async () => 0,
  close: async () => undefined,
};

export function createClusterLink(redisUrl: string | undefined, parentLog: Logger): ClusterLink {
  if (!redisUrl) return localOnly;
  const log = parentLog.child({ part: 'collab-cluster' });
  const { pub, sub, prefix, warn } = connectRedis(redisUrl, log, 'redis unavailable; collaboration reaches only this process until it is back', { enableAutoPipelining: true });
  const CONTROL_CHANNEL = `${prefix}:collab:control`;
  const docChannel = (draftId: string) => `${prefix}:collab:doc:${draftId}`;
  const origin = crypto.randomBytes(ORIGIN_BYTES);
  let seq = 0;

  const handlers = new Map<string, (kind: ClusterMessageKind, payload: Uint8Array, from: ClusterSender) => void>();
  const controlHandlers: Array<(m: ControlMessage) => void> = [];
  const controlReady = sub.subscribe(CONTROL_CHANNEL).catch(warn);

  sub.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
    try {
      if (message.length <= ORIGIN_BYTES || message.subarray(0, ORIGIN_BYTES).equals(origin)) return;
      const channel = channelBuf.toString();
      if (channel === CONTROL_CHANNEL) {
        const parsed = JSON.parse(message.subarray(ORIGIN_BYTES).toString()) as ControlMessage;
        for (const h of controlHandlers) h(parsed);
        return;
      }
      const handler = handlers.get(channel);
      if (!handler) return;
      const kind = message[ORIGIN_BYTES] as ClusterMessageKind;
      const from: ClusterSender = { origin: message.toString('hex', 0, ORIGIN_BYTES), seq: null };
      let start = ORIGIN_BYTES + 1;
      if (kind === CLUSTER_MESSAGE.STORING_UPDATE) {
        from.seq = message.readDoubleBE(start);
        start += 8;
      }
      handler(kind, new Uint8Array(message.buffer, message.byteOffset + start, message.length - start), from);
    } catch (err) {
      log.warn({ err }, 'ignored a malformed cluster message');
    }
  });

  const send = (channel: string, body: Buffer) => {
    pub.publish(channel, Buffer.concat([origin, body])).catch(warn);
  };

  return {
    enabled: true,
    id: origin.toString('hex'),
    async join(draftId, onMessage) {
      const channel = docChannel(draftId);
      handlers.set(channel, onMessage);
      await Promise.race([
        sub.subscribe(channel).catch(warn),
        new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_WAIT_MS).unref()),
      ]);
    },
    leave(draftId) {
      const channel = docChannel(draftId);
      handlers.delete(channel);
      sub.unsubscribe(channel).catch(warn);
    },
    publish(draftId, kind, payload) {
      send(docChannel(draftId), Buffer.concat([Buffer.from([kind]), payload]));
    },
    publishStoring(draftId, update) {
      // One buffer per keystroke (origin, kind, sequence number, update), not a concatenation of concatenations.
      const message = Buffer.allocUnsafe(ORIGIN_BYTES + 9 + update.length);
      origin.copy(message, 0);
      message[ORIGIN_BYTES] = CLUSTER_MESSAGE.STORING_UPDATE;
      message.writeDoubleBE(++seq, ORIGIN_BYTES + 1);
      message.set(update, ORIGIN_BYTES + 9);
      pub.publish(docChannel(draftId), message).catch(warn);
      return seq;
    },
    control(message) {
      send(CONTROL_CHANNEL, Buffer.from(JSON.stringify(message)));
    },
    onControl(handler) {
      controlHandlers.push(handler);
    },
    async peers() {
      await controlReady;
      const [, listeners] = await pub.pubsub('NUMSUB', CONTROL_CHANNEL) as [string, number];
      return Math.max(0, Number(listeners) - 1);
    },
    async close() {
      await controlReady;
      handlers.clear();
      await Promise.allSettled([pub.quit(), sub.quit()]);
      pub.disconnect();
      sub.disconnect();
    },
  };
}
