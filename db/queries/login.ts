import { sql } from 'kysely';
import type { Executor } from '../index';

/** Failed logins allowed per window before an attempt is refused without checking its password. */
export interface LoginLimits {
  windowMs: number;
  /** The narrow limit: one account from one address. */
  perUsernameAndAddress: number;
  /** The wide one for an account, from every address together (so its owner elsewhere is not locked out at once). */
  perUsername: number;
  perAddress: number;
}

/**
 * Records a login attempt before its password is checked, unless a limit is already reached; returns
 * the attempt's id, or null when it must be refused. Run it in a transaction of its own: it holds an
 * advisory lock on the username and one on the address until commit, so attempts racing each other
 * count one at a time (a count and then an insert let 20 parallel attempts all see the same count). An
 * attempt counts as failed until markLoginSucceeded says otherwise, in flight included.
 */
export async function reserveLoginAttempt(trx: Executor, username: string, ip: string, limits: LoginLimits): Promise<number | null> {
  // Always the username first, then the address: no two attempts wait for each other in a circle.
  await sql`select pg_advisory_xact_lock(hashtextextended(${'login-username:' + username}, 0))`.execute(trx);
  await sql`select pg_advisory_xact_lock(hashtextextended(${'login-address:' + ip}, 0))`.execute(trx);
  // A statement of its own after the locks: its snapshot sees every attempt committed before our turn.
  const { rows } = await sql<{ id: number | null }>`
    with recent as (
      select count(*) filter (where username = ${username} and ip = ${ip}) as pair,
             count(*) filter (where username = ${username}) as by_username,
             count(*) filter (where ip = ${ip}) as by_address
        from login_attempts
       where not succeeded and at > now() - ${`${limits.windowMs} milliseconds`}::interval
         and (username = ${username} or ip = ${ip})
    ), reserved as (
      insert into login_attempts (username, ip, succeeded)
      select ${username}, ${ip}, false from recent
       where pair < ${limits.perUsernameAndAddress} and by_username < ${limits.perUsername} and by_address < ${limits.perAddress}
      returning id
    )
    select (select id from reserved) as id`.execute(trx);
  return rows[0]?.id ?? null;
}

export function markLoginSucceeded(trx: Executor, attemptId: number) {
  return trx.updateTable('login_attempts').set({ succeeded: true }).where('id', '=', attemptId).execute();
}

/** Deletes the login attempts made before `before` (the limits look back minutes). */
export function deleteLoginAttemptsBefore(db: Executor, before: Date) {
  return db.deleteFrom('login_attempts').where('at', '<', before).executeTakeFirst();
}

/** What login needs to know about an account (users are readable by everyone, the signed-out included). */
export function findLoginUser(trx: Executor, username: string) {
  return trx.selectFrom('users').select(['id', 'display_name', 'region', 'status', 'password_hash'])
    .where('username', '=', username).executeTakeFirst();
}
