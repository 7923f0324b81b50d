import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url({ message: 'must be a postgres:// URL' }).startsWith('postgres', { message: 'must be a postgres:// URL' }).optional(),
  DATABASE_OWNER_URL: z.string().url({ message: 'must be a postgres:// URL' }).startsWith('postgres', { message: 'must be a postgres:// URL' }).optional(),
  REDIS_URL: z.string().url({ message: 'must be a redis:// URL' }).optional(),
  SESSION_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  DEMO: bool.optional(),
  DEMO_PASSWORD: z.string().min(8, { message: 'must be at least 8 characters' }).default('demo-2025'),
  /** Origins allowed for WebSocket upgrades and form posts, comma separated; the request's own host is always allowed. */
  ALLOWED_ORIGINS: z.string().default(''),
  /** Behind a load balancer: trust X-Forwarded-For / -Proto from it. */
  TRUST_PROXY: bool.default('false'),
  /** Per-user rate limits (server/rate-limits.ts); off only for benchmarks that play hundreds of clients of one user. */
  RATE_LIMITS: bool.default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long one Word import or export may convert before it is stopped, in milliseconds. */
  WORD_TIME_LIMIT_MS: z.coerce.number({ message: 'must be a number' }).int().min(100).default(10_000),
  DEADLINE_SWEEP_MS: z.coerce.number({ message: 'must be a number' }).int().min(500).default(10 * 60 * 1000),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** Owner of the tables, for migrations; unset: DATABASE_URL owns them and drops to the app role. */
  databaseOwnerUrl?: string;
  redisUrl?: string;
  sessionSecret: string;
  demo: boolean;
  demoPassword: string;
  allowedOrigins: string[];
  trustProxy: boolean;
  rateLimits: boolean;
  logLevel: string;
  wordTimeLimitMs: number;
  /** How often each process looks for proposal deadlines coming up or passed (催办). */
  deadlineSweepMs: number;
  /** Cookies get the Secure flag (production, unless plain http is explicitly local). */
  secureCookies: boolean;
}

export class ConfigError extends Error {}

/** Parses the environment once; a wrong value stops the process with a sentence naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message} (got ${JSON.stringify(clean[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}.`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const embedded = !e.DATABASE_URL;
  let sessionSecret = e.SESSION_SECRET;
  if (!sessionSecret) {
    if (e.NODE_ENV === 'production' && !embedded) {
      throw new ConfigError('Invalid configuration: SESSION_SECRET is required in production (at least 32 characters).');
    }
    sessionSecret = readOrCreateSecret(dataDir);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL,
    redisUrl: e.REDIS_URL,
    sessionSecret,
    demo: e.DEMO ?? embedded,
    demoPassword: e.DEMO_PASSWORD,
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    trustProxy: e.TRUST_PROXY,
    rateLimits: e.RATE_LIMITS,
    logLevel: e.LOG_LEVEL,
    wordTimeLimitMs: e.WORD_TIME_LIMIT_MS,
    deadlineSweepMs: e.DEADLINE_SWEEP_MS,
    secureCookies: e.NODE_ENV === 'production' && !embedded,
  };
}

/** The embedded demo keeps a generated secret in DATA_DIR so sessions survive restarts. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('hex');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
