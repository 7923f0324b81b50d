import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { dummyHash, verifyPassword } from '../auth/passwords';
import { createSession } from '../auth/sessions';
import { audit } from './audit';

/** Failed logins allowed per window, per username and per IP, before we ask the person to wait. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_USERNAME = 5;
export const MAX_FAILURES_PER_IP = 30;

export type LoginResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; error: 'invalid' | 'tooManyAttempts' };

export async function login(
  db: Kysely<DB>,
  input: { username: string; password: string; ip: string; userAgent: string },
): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase();
  const since = new Date(Date.now() - LOGIN_WINDOW_MS);

  const { byUser, byIp, user } = await withActor(db, null, async (trx) => {
    const counts = await trx.selectFrom('login_attempts')
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('username', '=', username).as('byUser'),
        eb.fn.countAll<number>().filterWhere('ip', '=', input.ip).as('byIp'),
      ])
      .where('succeeded', '=', false).where('at', '>', since)
      .where((eb) => eb.or([eb('username', '=', username), eb('ip', '=', input.ip)]))
      .executeTakeFirstOrThrow();
    const user = await trx.selectFrom('users')
      .select(['id', 'display_name', 'region', 'status', 'password_hash'])
      .where('username', '=', username).executeTakeFirst();
    return { ...counts, user };
  });

  if (byUser >= MAX_FAILURES_PER_USERNAME || byIp >= MAX_FAILURES_PER_IP) {
    await withActor(db, null, (trx) => audit(trx, {
      actor: null, region: user?.region ?? null, action: 'login.throttled', detail: { username }, ip: input.ip,
    }));
    return { ok: false, error: 'tooManyAttempts' };
  }

  const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyHash()), input.password);
  const ok = !!user && passwordOk && user.status === 'active';

  await withActor(db, null, async (trx) => {
    await trx.insertInto('login_attempts').values({ username, ip: input.ip, succeeded: ok }).execute();
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
