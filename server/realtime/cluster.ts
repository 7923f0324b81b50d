import { createAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { RealtimeServer } from './types';
import { connectRedis } from '../redis';

/**
 * Several server processes behind a load balancer (REDIS_URL set): the socket.io Redis adapter
 * carries broadcasts, `fetchSockets()`, `disconnectSockets()` and `serverSideEmit()` between them,
 * so hub events, presence, refreshAccess and disconnectUser reach every process. Without REDIS_URL:
 * one process, the in-memory adapter, nothing here runs.
 */
export interface Cluster {
  clustered: boolean;
  close(): Promise<void>;
}

/** How long startup waits for Redis before going on (ioredis keeps reconnecting afterwards). */
const READY_WAIT_MS = 5000;
/** A fetchSockets/serverSideEmit round trip waits this long for the other processes' answers. */
const REQUESTS_TIMEOUT_MS = 3000;

export async function attachCluster(io: RealtimeServer, config: Pick<Config, 'redisUrl'>, parentLog: Logger): Promise<Cluster> {
  if (!config.redisUrl) return { clustered: false, close: async () => undefined };
  const log = parentLog.child({ part: 'realtime-cluster' });
  // A presence snapshot fails (logged) rather than hanging while Redis is away; broadcasts meanwhile
  // reach local sockets only.
  // connectRedis logs pub/sub refusals: socket.io's adapter publishes and subscribes without handling them.
  const { pub, sub, prefix } = connectRedis(config.redisUrl, log, 'redis unavailable; realtime events reach only this process until it is back',
    { connectionName: 'cppcc-realtime' });

  // Creating the adapter subscribes `sub` to the prefix's channels.
  io.adapter(createAdapter(pub, sub, { key: `${prefix}:socket.io`, requestsTimeout: REQUESTS_TIMEOUT_MS }));
  // Replies on one connection come in order: once PING answers, the subscriptions sent before it
  // are in place, and an event another process emits from now on reaches this one.
  const ready = await Promise.race([
    Promise.all([sub.ping(), pub.ping()]).then(() => true, () => false),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), READY_WAIT_MS).unref()),
  ]);
  if (ready) log.info({ prefix }, 'realtime events shared through redis');
  else log.warn({ prefix }, 'redis did not answer at startup; realtime events reach other processes once it does');

  return {
    clustered: true,
    async close() {
      // io.close() has already closed the adapter (unsubscribed); let the commands in flight finish.
      await Promise.allSettled([pub.quit(), sub.quit()]);
      pub.disconnect();
      sub.disconnect();
    },
  };
}
