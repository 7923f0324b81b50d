import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Config } from './config';
import type { Logger } from './logger';
import type { RealtimeHub } from './realtime/hub';
import type { CollabHub } from './collab';
import type { RateLimits } from './rate-limits';
import type { WordConverter } from './word/pool';

/** What every Remix loader and action receives as `context`: the server's shared pieces. */
export interface ServerContext {
  db: Kysely<DB>;
  config: Config;
  log: Logger;
  /** The client's address (from the load balancer when TRUST_PROXY is on). */
  ip: string;
  /** socket.io emits (issue 3): call after the service's transaction has committed. */
  realtime: RealtimeHub;
  /** The collaboration server's access re-checks (issue 4); absent until it is running. */
  collab?: CollabHub;
  /** Per-user rate limits (server/rate-limits.ts). */
  rateLimits: RateLimits;
  /** Word import and export, in worker threads with a time limit. */
  word: WordConverter;
  /** This response's Content-Security-Policy nonce, for the page's inline scripts and styles. */
  cspNonce: string;
}

declare module '@remix-run/node' {
  interface AppLoadContext extends ServerContext {}
}
