import { sql } from 'kysely';
import type { Executor } from '../index';

/** The cheapest statement that proves the database answers (/healthz). */
export function ping(db: Executor) {
  return sql`select 1`.execute(db);
}
