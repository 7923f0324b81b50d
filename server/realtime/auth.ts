import type { IncomingMessage } from 'node:http';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Config } from '../config';
import { isAllowedOrigin } from '../auth/origin';
import { getSessionUser, type SessionUser } from '../auth/sessions';
import { sessionTokenFrom } from '../auth/cookie';
import type { RefusalCode } from '../../shared/realtime/events';

/** A refused handshake; socket.io hands `message` and `data` to the client's `connect_error`. */
export class HandshakeRefusal extends Error {
  readonly data: { code: RefusalCode };
  constructor(code: RefusalCode, message: string) {
    super(message);
    this.data = { code };
  }
}

const messages: Record<'unauthorized' | 'origin-not-allowed', string> = {
  unauthorized: 'unauthorized: sign in first (no valid session)',
  'origin-not-allowed': 'origin not allowed: open the app from its own address',
};
const refuse = (code: keyof typeof messages) => new HandshakeRefusal(code, messages[code]);

/**
 * Who opens this socket. Unlike form posts, a browser always sends Origin on a WebSocket handshake,
 * so a missing Origin is refused too (cross-site WebSocket hijacking rides on ambient cookies).
 */
export async function authenticateHandshake(
  req: IncomingMessage, db: Kysely<DB>, config: Pick<Config, 'sessionSecret' | 'secureCookies' | 'allowedOrigins' | 'trustProxy'>,
): Promise<{ user: SessionUser; token: string }> {
  if (!req.headers.origin || !isAllowedOrigin(req, config)) throw refuse('origin-not-allowed');
  const token = await sessionTokenFrom(req.headers.cookie, config);
  if (!token) throw refuse('unauthorized');
  // A database failure propagates: the caller logs it and refuses with `unavailable` (the client retries).
  const user = await getSessionUser(db, token);
  if (!user) throw refuse('unauthorized');
  return { user, token };
}
