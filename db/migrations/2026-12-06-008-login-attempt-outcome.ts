import { sql, type Kysely } from 'kysely';

/**
 * A login attempt is recorded (as failed) before its password is checked, so that parallel attempts
 * are counted against the limits; a successful one is then marked as such. The app role may change
 * that one column.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`GRANT UPDATE (succeeded) ON login_attempts TO cppcc_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('login attempt outcome migration cannot be reverted');
}
