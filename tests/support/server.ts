import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/main';
import { preparePgliteDir } from './pglite-template';

export const DEMO_PASSWORD = 'demo-2025-test';

/** The backend tests run on: the real PostgreSQL from TEST_DATABASE_URL, else embedded PGlite. */
export const backend: 'postgres' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

let counter = 0;

/**
 * A fresh, migrated database of its own: on PostgreSQL a new database on the TEST_DATABASE_URL
 * server (dropped by the returned cleanup), on PGlite a new temporary folder.
 */
export async function freshDatabase(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }> {
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
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
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
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...env,
  });
  // A server that fails to start (no build, locked folder) must not leave its database behind.
  const running = await startServer(config).catch(async (err) => { await database.drop(); throw err; });
  const request = (pathname: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set('Cookie', init.cookie);
    return fetch(running.url + pathname, { ...init, headers, redirect: 'manual' });
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
      try { await running.close(); } finally { await database.drop(); }
    },
  };
}
