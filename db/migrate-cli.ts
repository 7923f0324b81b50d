import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createDatabase, migrate } from './index';

/** `npm run db:migrate`: bring the configured database up to date, as its owner. */
const databaseUrl = process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL || undefined;
const dataDir = process.env.DATA_DIR || './data';
if (databaseUrl) {
  const owner = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }) });
  await migrate(owner);
  await owner.destroy();
} else {
  const database = await createDatabase({ dataDir }); // migrates on open
  await database.close();
}
console.log('database is up to date');
