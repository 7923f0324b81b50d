/** Bounds on what one connection may send (the document core trusts nothing past these). */
export interface CollabLimits {
  /** Largest message; ws closes a bigger one with 1009. */
  maxPayload: number;
  /** Messages per second, and the burst allowed above it. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Bytes per second, and the burst (a large first sync step 2 after offline edits fits). */
  bytesPerSecond: number;
  byteBurst: number;
  /** Messages waiting behind a database round trip (authorship of new client ids). */
  maxBacklog: number;
  /** New Yjs client ids one connection may introduce (a browser uses one; offline history a few). */
  maxClientIdsPerConnection: number;
  /** Largest awareness state (JSON characters) accepted per client. */
  maxAwarenessStateChars: number;
  /** A client that does not read its socket is dropped once this much is buffered for it. */
  maxBufferedBytes: number;
}

export const defaultLimits: CollabLimits = {
  maxPayload: 2 * 1024 * 1024,
  messagesPerSecond: 200,
  messageBurst: 400,
  bytesPerSecond: 4 * 1024 * 1024,
  byteBurst: 8 * 1024 * 1024,
  maxBacklog: 1000,
  maxClientIdsPerConnection: 32,
  maxAwarenessStateChars: 16 * 1024,
  maxBufferedBytes: 32 * 1024 * 1024,
};

/** A token bucket: `take(n)` is false once the connection spent more than rate × time + burst. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(private readonly rate: number, private readonly burst: number) {
    this.tokens = burst;
  }
  take(n = 1): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

/** Both buckets of one connection. */
export function connectionRateLimiter(limits: CollabLimits) {
  const messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
  const bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst);
  return (size: number) => messages.take(1) && bytes.take(size);
}
