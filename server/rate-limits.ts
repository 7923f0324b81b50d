import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisCommands } from './redis';

/**
 * What one user may do per window, beyond which the server answers 429 (pages and forms) or closes
 * the socket with 4429 / refuses the handshake (live connections). Generous for people, tight for a
 * script: a member searches a few times a minute and comments a few times an hour; a browser opens
 * two sockets per page (live page, draft), more on reloads and reconnects. Word import is the
 * expensive one (a worker converts the file). Login attempts have their own stricter rules
 * (server/services/login.ts).
 */
export const RATE_LIMITS = {
  wordImport: { points: 10, seconds: 10 * 60 },
  search: { points: 60, seconds: 60 },
  comment: { points: 30, seconds: 60 },
  connection: { points: 120, seconds: 60 },
  /** Checks of one's current password when changing it (a stolen session must not guess it). */
  passwordCheck: { points: 5, seconds: 15 * 60 },
  /** Calendar feed fetches per feed owner: apps poll every few minutes at most; a leaked URL must not be mined. */
  feed: { points: 30, seconds: 60 * 60 },
  // Site photos (each one decoded and re-encoded).
  photoUpload: { points: 120, seconds: 10 * 60 },
} as const;

export type RateLimitKind = keyof typeof RATE_LIMITS;

export interface RateLimits {
  /** Counts one action of `userId`; false when they are over the limit (nothing else happens then). */
  take(kind: RateLimitKind, userId: string): Promise<boolean>;
}

/** For benchmarks and tests that act as hundreds of clients of one user (RATE_LIMITS=false). */
export const noRateLimits: RateLimits = { take: async () => true };

/**
 * The limiters: in memory for a single process; in Redis when one is given (REDIS_URL), so that
 * several processes share one count. While Redis is away each process counts for itself (the memory
 * limiter is the library's insurance), rather than letting everything through or refusing everyone.
 */
export function createRateLimits(redis?: RedisCommands): RateLimits {
  const limiters = new Map<RateLimitKind, RateLimiterAbstract>();
  for (const [kind, { points, seconds }] of Object.entries(RATE_LIMITS) as [RateLimitKind, { points: number; seconds: number }][]) {
    const memory = new RateLimiterMemory({ points, duration: seconds, keyPrefix: kind });
    limiters.set(kind, redis
      ? new RateLimiterRedis({ storeClient: redis.client, points, duration: seconds, keyPrefix: `${redis.prefix}:limit:${kind}`, insuranceLimiter: memory })
      : memory);
  }
  return {
    async take(kind, userId) {
      try {
        await limiters.get(kind)!.consume(userId);
        return true;
      } catch (res) {
        if (res instanceof Error) throw res;
        return false; // a RateLimiterRes: over the limit
      }
    },
  };
}
