import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';

/**
 * Same-origin requests (Origin matches Host), requests without an Origin header (non-browser
 * clients, which carry no ambient cookie risk) and ALLOWED_ORIGINS pass.
 */
export function isAllowedOrigin(req: IncomingMessage, config: Pick<Config, 'allowedOrigins'>): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (config.allowedOrigins.includes(origin)) return true;
  const forwarded = req.headers['x-forwarded-host'];
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
