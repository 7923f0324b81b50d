import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { findLoginUser, markLoginSucceeded, reserveLoginAttempt, type LoginLimits } from '../../db/queries/login';
import { dummyHash, verifyPassword } from '../auth/passwords';
import { createSession } from '../auth/sessions';
import { audit } from './audit';

/**
 * Failed logins allowed in 15 minutes before we ask the person to wait: 5 for one account from one
 * address, 50 for one account from everywhere (so an attacker at one address does not lock its owner
 * out), 30 from one address over every account.
 */
export const LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60 * 1000, perUsernameAndAddress: 5, perUsername: 50, perAddress: 30 };

export type LoginResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; error: 'invalid' | 'tooManyAttempts' };

export async function login(
  db: Kysely<DB>,
  input: { username: string; password: string; ip: string; userAgent: string },
): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase();

  // The attempt is counted and recorded before the password is checked, one at a time per username and
  // per address, so attempts sent in parallel cannot all pass under the limits.
  const { attemptId, user } = await withActor(db, null, async (trx) => ({
    attemptId: await reserveLoginAttempt(trx, username, input.ip, LOGIN_LIMITS),
    user: await findLoginUser(trx, username),
  }));

  if (attemptId === null) {
    await withActor(db, null, (trx) => audit(trx, {
      actor: null, region: user?.region ?? null, action: 'login.throttled', detail: { username }, ip: input.ip,
    }));
    return { ok: false, error: 'tooManyAttempts' };
  }

  const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyHash()), input.password);
  const ok = !!user && passwordOk && user.status === 'active';

  await withActor(db, null, async (trx) => {
    if (ok) await markLoginSucceeded(trx, attemptId);
    await audit(trx, {
      actor: ok && user ? { id: user.id, displayName: user.display_name } : null,
      region: user?.region ?? null,
      action: ok ? 'login' : 'login.failed',
      target: user ? { type: 'user', id: user.id } : undefined,
      detail: ok ? {} : { username, reason: !user ? 'unknown' : !passwordOk ? 'password' : 'disabled' },
      ip: input.ip,
    });
  });
  if (!ok || !user) return { ok: false, error: 'invalid' };

  const token = await createSession(db, user.id, input);
  return { ok: true, token, userId: user.id };
}
