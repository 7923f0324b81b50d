import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';

/**
 * The host the browser addressed: X-Forwarded-Host only from a trusted proxy (TRUST_PROXY), else
 * Host. Anyone can send X-Forwarded-Host; believed untrusted it would let a forged Origin match it.
 */
export function requestHost(req: IncomingMessage, config: Pick<Config, 'trustProxy'>): string | undefined {
  const forwarded = config.trustProxy ? req.headers['x-forwarded-host'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || req.headers.host;
}

/**
 * Same-origin requests (Origin matches the request's host), requests without an Origin header
 * (non-browser clients, which carry no ambient cookie risk) and ALLOWED_ORIGINS pass. Used for form
 * posts and for WebSocket upgrades (/collab/ and socket.io), which main.ts's HTTP middleware never sees.
 */
export function isAllowedOrigin(req: IncomingMessage, config: Pick<Config, 'allowedOrigins' | 'trustProxy'>): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (config.allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === requestHost(req, config);
  } catch {
    return false;
  }
}
