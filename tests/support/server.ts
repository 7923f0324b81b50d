import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/main';
import { preparePgliteDir } from './pglite-template';
import { registerOwner } from './owner';
import { sendDeadlineAlerts } from '../../server/proposals/deadlines';
import { sendDueReminders } from '../../server/calendar/reminders';
import { sendOverdueNotices } from '../../server/inspections/overdue';

export const DEMO_PASSWORD = 'demo-2025-test';
/** The test server's session secret (calendar feed tokens are derived from it). */
export const TEST_SESSION_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** The backend tests run on: the real PostgreSQL from TEST_DATABASE_URL, else embedded PGlite. */
export const backend: 'postgres' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

let counter = 0;

/**
 * A fresh, migrated database of its own: on PostgreSQL a new database on the TEST_DATABASE_URL
 * server (dropped by the returned cleanup), on PGlite a new temporary folder.
 */
export interface FreshDatabase {
  /** The app's login (a member of cppcc_app only), as production should connect. */
  databaseUrl?: string;
  /** The owner's login, for migrations and test set-up. */
  databaseOwnerUrl?: string;
  dataDir: string;
  drop(): Promise<void>;
}

const APP_LOGIN = 'cppcc_test_app';

/** A login role that is a member of cppcc_app and nothing else (cluster-wide, made once). */
async function ensureAppLogin(admin: pg.Client) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await admin.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cppcc_app') THEN CREATE ROLE cppcc_app NOLOGIN NOBYPASSRLS; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_LOGIN}') THEN CREATE ROLE ${APP_LOGIN} LOGIN NOBYPASSRLS; END IF;
      END $$`);
      await admin.query(`GRANT cppcc_app TO ${APP_LOGIN}`);
      return;
    } catch (err: any) {
      // Parallel workers race on CREATE ROLE: try again.
      if (!['23505', '42710', 'XX000'].includes(err.code)) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }
}

export async function freshDatabase(): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cppcc-test-'));
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    await preparePgliteDir(dataDir);
    return { dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `cppcc_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await ensureAppLogin(admin);
  await admin.end();
  const owner = new URL(base);
  owner.pathname = `/${name}`;
  const app = new URL(owner);
  app.username = APP_LOGIN;
  app.password = '';
  return {
    databaseUrl: app.toString(),
    databaseOwnerUrl: owner.toString(),
    dataDir,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestServer extends RunningServer {
  /** Logs in through the real login form; returns the Cookie header value to send. */
  login(username: string, password?: string): Promise<string>;
  /** fetch against the server with an optional session cookie; never follows redirects. */
  request(pathname: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  stop(): Promise<void>;
}

/** The real server (production build, or Remix dev if no build exists) on port 0 with the demo data. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: database.dataDir,
    DEMO: 'true',
    DEMO_PASSWORD,
    LOG_LEVEL: 'warn',
    SESSION_SECRET: TEST_SESSION_SECRET,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl, DATABASE_OWNER_URL: database.databaseOwnerUrl! } : {}),
    ...env,
  });
  // A server that fails to start (no build, locked folder) must not leave its database behind.
  const running = await startServer(config).catch(async (err) => { await database.drop(); throw err; });
  const closeOwner = registerOwner(running.database.db, database.databaseOwnerUrl);
  const request = async (pathname: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set('Cookie', init.cookie);
    const send = () => fetch(running.url + pathname, { ...init, headers, redirect: 'manual' });
    try {
      return await send();
    } catch (err) {
      // The server runs in this process: after a long synchronous stretch (PGlite) its keep-alive timer
      // may close an idle connection just as fetch reuses it. A browser sends a read again; so do we.
      const reset = (err as { cause?: { code?: string } }).cause?.code === 'ECONNRESET';
      if (!reset || !['GET', 'HEAD', undefined].includes(init.method?.toUpperCase())) throw err;
      return send();
    }
  };
  return {
    ...running,
    request,
    async login(username, password = DEMO_PASSWORD) {
      const res = await request('/login', { method: 'POST', body: new URLSearchParams({ username, password }) });
      const cookie = res.headers.get('set-cookie');
      if (res.status !== 302 || !cookie) throw new Error(`login as ${username} failed: ${res.status}`);
      return cookie.split(';')[0];
    },
    async stop() {
      // Drop the database even if closing fails (a test may have closed it already).
      try { await closeOwner(); await running.close(); } finally { await database.drop(); }
    },
  };
}

/**
 * Sends now what the server's background sweeps (deadline alerts, reminders, overdue items) would
 * send a few seconds after it starts, given the demo data's dates: a test counting live
 * notifications then hears only its own. Each is claimed once, so the server's sweeps skip them.
 */
export async function sendWhatIsDue(server: TestServer): Promise<void> {
  const db = server.database.db;
  await sendDeadlineAlerts(db, {});
  await sendDueReminders(db, {});
  await sendOverdueNotices(db, {});
}
