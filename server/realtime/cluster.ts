import type { Config } from '../config';
import type { Logger } from '../logger';
import type { RealtimeServer } from './types';

/**
 * Several server processes behind a load balancer (REDIS_URL set): the socket.io Redis adapter
 * carries broadcasts, `fetchSockets()` and `serverSideEmit()` between them. Skipped when REDIS_URL
 * is unset (one process, the in-memory adapter).
 *
 * Not wired yet: @socket.io/redis-adapter and ioredis are not installed. Once they are, this is the
 * one place to change: create a publisher and a subscriber client from `config.redisUrl`, set
 * `io.adapter(createAdapter(pub, sub))`, return `clustered: true` and quit both clients in `close`.
 * Everything else (presence via fetchSockets, refreshAccess via serverSideEmit) already works across processes.
 */
export interface Cluster {
  clustered: boolean;
  close(): Promise<void>;
}

export async function attachCluster(_io: RealtimeServer, config: Pick<Config, 'redisUrl'>, log: Logger): Promise<Cluster> {
  if (config.redisUrl) {
    log.warn('REDIS_URL is set but the socket.io Redis adapter is not installed: realtime events reach only sockets on this process');
  }
  return { clustered: false, close: async () => undefined };
}
