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
