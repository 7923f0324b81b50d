import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/** Channel names start with this unless REDIS_URL says otherwise (`?prefix=`). */
export const DEFAULT_CHANNEL_PREFIX = 'cppcc';

/**
 * Deployments (or parallel test runs) sharing one Redis keep apart by a channel prefix given as
 * `redis://host:6379/0?prefix=NAME`: Redis database numbers do not separate pub/sub channels. Both
 * users of Redis (socket.io's adapter and the collaboration server) name their channels under it.
 * The parameter is removed before ioredis sees the URL (it would take query parameters as options).
 */
export function redisTarget(redisUrl: string): { url: string; prefix: string } {
  const url = new URL(redisUrl);
  const prefix = url.searchParams.get('prefix') || DEFAULT_CHANNEL_PREFIX;
  url.searchParams.delete('prefix');
  return { url: url.toString(), prefix };
}

/** Logs an outage at most every 10 s, saying what degrades (a Redis away fails every command). */
function outageWarner(log: Logger, outage: string) {
  let lastWarn = 0;
  return (err: Error) => {
    if (Date.now() - lastWarn < 10_000) return;
    lastWarn = Date.now();
    log.warn({ err }, outage);
  };
}

/** Pub/sub commands whose refusal a caller (socket.io's adapter) may leave unhandled. */
const PUBSUB_COMMANDS = ['publish', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const;

/**
 * A publishing and a subscribing connection to REDIS_URL, and its channel prefix. Commands fail after
 * a few retries instead of queueing forever while Redis is away; an outage is logged, never thrown:
 * without an 'error' listener it would crash the process, and ioredis reconnects and resubscribes by
 * itself. A refused pub/sub command is logged too: a caller that does not handle it (socket.io's
 * adapter) would otherwise leave an unhandled rejection, which stops a Node process. The promise
 * still rejects for a caller that awaits it.
 */
export function connectRedis(redisUrl: string, log: Logger, outage: string, options: RedisOptions = {}) {
  const { url, prefix } = redisTarget(redisUrl);
  const all: RedisOptions = { maxRetriesPerRequest: 3, ...options };
  const pub = new Redis(url, all);
  const sub = new Redis(url, all);
  const warn = outageWarner(log, outage);
  for (const client of [pub, sub]) {
    client.on('error', warn);
    for (const command of PUBSUB_COMMANDS) {
      const send = client[command].bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as Record<string, unknown>)[command] = (...args: unknown[]) => {
        const sent = send(...args);
        sent.catch(warn);
        return sent;
      };
    }
  }
  return { pub, sub, prefix, warn };
}

/** A command connection (rate limits, health check) and the prefix for its keys. */
export interface RedisCommands { client: Redis; prefix: string }

/**
 * Commands fail at once while Redis is away (no offline queue): their callers have a fallback
 * (rate limits count in memory, /healthz says `unavailable`). Outages are logged at most every 10 s.
 */
export function connectRedisCommands(redisUrl: string, log: Logger): RedisCommands {
  const { url, prefix } = redisTarget(redisUrl);
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  client.on('error', outageWarner(log, 'Redis unavailable: rate limits count per process, /healthz reports it'));
  return { client, prefix };
}
