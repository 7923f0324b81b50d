/**
 * /healthz, and the embedded database's folder lock: a second server on the same DATA_DIR stops with
 * a clear message and harms nothing; a lock left by a dead process is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/main';
import { DataDirLockedError } from '../../db/dir-lock';
import { backend, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/server';
import { preparePgliteDir } from '../support/pglite-template';
import { asOwner } from '../support/owner';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe(`GET /healthz (${backend})`, () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(() => server?.stop());

  it('answers 200 {"status":"ok","db":"ok"} without a session', async () => {
    const res = await server.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('every answer carries a request id (the one in its log lines); a forwarded one only from a trusted proxy', async () => {
    const [a, b] = await Promise.all([server.request('/healthz'), server.request('/login')]);
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-request-id')).not.toBe(a.headers.get('x-request-id'));
    const forged = await server.request('/healthz', { headers: { 'X-Request-Id': 'from-outside' } });
    expect(forged.headers.get('x-request-id')).not.toBe('from-outside'); // TRUST_PROXY is off here
  });

  it('answers 503 once the database is gone', async () => {
    await server.database.close();
    const res = await server.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ db: expect.not.stringMatching(/^ok$/) });
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL)('GET /healthz with REDIS_URL', () => {
  it('reports Redis too: ok while it answers, 503 with redis "unavailable" when it does not', async () => {
    const up = await startTestServer({ REDIS_URL: `${process.env.TEST_REDIS_URL!.replace(/\/$/, '')}/?prefix=healthz-${process.pid}` });
    try {
      const res = await up.request('/healthz');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
    } finally {
      await up.stop();
    }
    // Nothing listens on port 1: the app still starts (it waits a little for Redis, then goes on), and
    // keeps serving while its Redis commands fail (an unhandled refusal would stop the process).
    const down = await startTestServer({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await down.request('/healthz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'error', db: 'ok', redis: 'unavailable' });
      const cookie = await down.login('cq-coordinator');
      const ws = await asOwner(down.database.db, (trx) => trx.selectFrom('workspaces').select('id').where('name', '=', '川渝两省市政协合作平台').executeTakeFirstOrThrow());
      const posted = await down.request(`/workspaces/${ws.id}.data`, {
        method: 'POST', cookie, headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ intent: 'post', title: 'Redis 中断期间的通知', body: '仍可发布。', visibility: 'joint' }),
      });
      expect(posted.status).toBe(200); // the live event is published to a Redis that is not there
      await new Promise((r) => setTimeout(r, 4000)); // ioredis gives up on the queued commands
      expect((await down.request('/healthz')).status).toBe(503);
    } finally {
      await down.stop();
    }
  }, 60_000);
});

/** The folder lock is about the embedded database, so this runs on PGlite whatever the backend. */
describe('one PGlite folder, one process', () => {
  let dataDir: string;
  let first: RunningServer | undefined;
  const config = () => loadConfig({
    NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: 'true',
    DEMO_PASSWORD, LOG_LEVEL: 'silent', SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
  });
  const loginStatus = async (s: RunningServer) => (await fetch(`${s.url}/login`, {
    method: 'POST', body: new URLSearchParams({ username: 'sc-member', password: DEMO_PASSWORD }), redirect: 'manual',
  })).status;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cppcc-lock-'));
    await preparePgliteDir(dataDir);
    first = await startServer(config());
  });
  afterAll(async () => {
    await first?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second server in this process is refused with DataDirLockedError naming the folder', async () => {
    let error: unknown;
    try {
      const second = await startServer(config());
      await second.close();
    } catch (err) { error = err; }
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toContain(path.join(dataDir, 'pg'));
    expect((error as Error).message).toContain(String(process.pid));
  });

  it('a second `node server/main.ts` on the same DATA_DIR exits 1 with the message on stderr', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, 25_000);
      child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(path.join(dataDir, 'pg'));
    expect(stderr).toMatch(/already in use/);
    expect(stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
  });

  it('the first server keeps working, with its data', async () => {
    const res = await fetch(`${first!.url}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
    expect(await loginStatus(first!)).toBe(302);
    expect(fs.readFileSync(path.join(dataDir, 'pg.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('closing releases the lock; a lock left by a dead process is taken over', async () => {
    await first!.close();
    first = undefined;
    expect(fs.existsSync(path.join(dataDir, 'pg.lock'))).toBe(false);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    fs.writeFileSync(path.join(dataDir, 'pg.lock'), String(dead)); // as after kill -9
    first = await startServer(config());
    expect(fs.readFileSync(path.join(dataDir, 'pg.lock'), 'utf8')).toBe(String(process.pid));
    expect(await (await fetch(`${first.url}/healthz`)).json()).toEqual({ status: 'ok', db: 'ok' });
    expect(await loginStatus(first)).toBe(302); // the demo data survived the restart
  });

  it('a lock naming this very process, which it does not hold, is taken over (a restarted container has the same pid)', async () => {
    await first!.close();
    first = undefined;
    fs.writeFileSync(path.join(dataDir, 'pg.lock'), String(process.pid)); // as if a previous life of this pid was killed
    first = await startServer(config());
    expect(fs.readFileSync(path.join(dataDir, 'pg.lock'), 'utf8')).toBe(String(process.pid));
    await expect(startServer(config())).rejects.toBeInstanceOf(DataDirLockedError); // held now: a second open is still refused
    expect(await loginStatus(first)).toBe(302);
  });

  // The real case: `node server/main.ts` as pid 1 of its own pid namespace, its own stale lock naming pid 1.
  const unshare = ['--pid', '--fork', '--mount-proc'];
  const canUnshare = spawnSync('unshare', [...unshare, 'true']).status === 0;
  if (!canUnshare) console.log('skipping the pid-1 lock test: `unshare --pid` is not available here (needs root or user namespaces)');
  it.runIf(canUnshare)('the server as pid 1 (a container after kill -9) starts over the lock naming pid 1', async () => {
    await first?.close();
    first = undefined;
    fs.writeFileSync(path.join(dataDir, 'pg.lock'), '1');
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1',
      DATA_DIR: dataDir, LOG_LEVEL: 'info', SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789' };
    const child = spawn('unshare', [...unshare, process.execPath, '--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (d) => { output += d; });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // unshare ignores SIGTERM while it waits: signals go to the server itself (its pid out here).
    const server = () => Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    try {
      const url = await new Promise<string | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 120_000); // a busy 2-core machine starts slowly
        child.stdout.on('data', (d) => {
          output += d;
          const m = /"url":"([^"]+)"[^\n]*"msg":"listening"/.exec(output);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        void exited.then(() => { clearTimeout(timer); resolve(null); });
      });
      expect(url, output).not.toBeNull();
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', db: 'ok' });
      expect(fs.readFileSync(path.join(dataDir, 'pg.lock'), 'utf8')).toBe('1');
      process.kill(server(), 'SIGTERM'); // the server closes the database and removes its lock
      await exited;
      expect(fs.existsSync(path.join(dataDir, 'pg.lock'))).toBe(false);
    } finally {
      if (child.exitCode === null) { try { process.kill(server(), 'SIGKILL'); } catch { /* gone */ } await exited; }
    }
  }, 180_000);
});
