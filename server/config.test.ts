import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig as load } from './config';

/** loadConfig over a plain object (ProcessEnv's NODE_ENV is required in @types/node's typing). */
const loadConfig = (env: Record<string, string>) => load(env as NodeJS.ProcessEnv);

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cppcc-config-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const PG = 'postgres://app@db.example:5432/cppcc';
const SECRET = 'x'.repeat(40);

/** The ConfigError a set of variables raises (fails the test if none is raised). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('stops on a PORT that is not a number, naming PORT and the value', () => {
    const message = refusal({ PORT: 'abc', DATA_DIR: tmp() });
    expect(message).toMatch(/\bPORT\b/);
    expect(message).toContain('abc');
  });

  it.each([
    ['PORT', '70000'], ['PORT', '3.5'], ['NODE_ENV', 'staging'], ['DEMO', 'maybe'], ['TRUST_PROXY', 'sure'],
    ['DATABASE_URL', 'mysql://x@y/z'], ['DATABASE_URL', 'not a url'], ['SESSION_SECRET', 'short'],
    ['DEMO_PASSWORD', 'abc'], ['LOG_LEVEL', 'loud'], ['REDIS_URL', 'nope'],
  ])('stops on %s=%s with a sentence naming it', (name, value) => {
    expect(refusal({ [name]: value, DATA_DIR: tmp() })).toContain(name);
  });

  it('refuses production on PostgreSQL without SESSION_SECRET', () => {
    const message = refusal({ NODE_ENV: 'production', DATABASE_URL: PG, DATA_DIR: tmp() });
    expect(message).toContain('SESSION_SECRET');
  });

  it('accepts production on PostgreSQL with a secret; cookies are Secure, no demo by default', () => {
    const c = loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, SESSION_SECRET: SECRET, DATA_DIR: tmp() });
    expect(c).toMatchObject({ databaseUrl: PG, sessionSecret: SECRET, demo: false, secureCookies: true });
  });

  it('defaults: port 3000 on all interfaces, ./data, embedded database with the demo, no Redis', () => {
    const cwd = process.cwd();
    const dir = tmp();
    process.chdir(dir); // the default DATA_DIR is relative: keep the generated secret out of the repository
    try {
      const c = loadConfig({});
      expect(c).toMatchObject({
        env: 'production', port: 3000, host: '0.0.0.0', dataDir: path.join(fs.realpathSync(dir), 'data'),
        databaseUrl: undefined, redisUrl: undefined, demo: true, demoPassword: 'demo-2025',
        allowedOrigins: [], trustProxy: false, logLevel: 'info', secureCookies: false, wordTimeLimitMs: 10_000,
      });
      expect(c.sessionSecret.length).toBeGreaterThanOrEqual(32);
    } finally {
      process.chdir(cwd);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '', DATA_DIR: tmp() })).toMatchObject({ port: 3000, host: '0.0.0.0' });
  });

  it('keeps the generated embedded session secret in DATA_DIR, so sessions survive a restart', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    expect(fs.readFileSync(path.join(dir, 'session-secret'), 'utf8').trim()).toBe(first);
    expect((fs.statSync(path.join(dir, 'session-secret')).mode & 0o077)).toBe(0);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(first);
  });

  it('parses the rest: booleans, origins, DEMO on PostgreSQL when asked', () => {
    const c = loadConfig({
      PORT: '0', DEMO: 'yes', TRUST_PROXY: '1', DATABASE_URL: PG, SESSION_SECRET: SECRET, NODE_ENV: 'development',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example,', DATA_DIR: tmp(),
    });
    expect(c).toMatchObject({
      port: 0, demo: true, trustProxy: true, env: 'development', secureCookies: false,
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
  });
});
