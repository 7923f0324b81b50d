import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import express from 'express';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { createDatabase, type Database } from '../db';
import { DataDirLockedError } from '../db/dir-lock';
import { seedDemo } from '../db/seed';
import { ping } from '../db/queries/health';
import { hashPassword } from './auth/passwords';
import { pruneSignInRecords, SIGN_IN_PRUNE_MS } from './auth/sessions';
import { isAllowedOrigin } from './auth/origin';
import { bodyLimit, cspNonce, securityHeaders } from './security';
import type { ServerContext } from './context';
import { createRealtime, type Realtime } from './realtime';
import { REALTIME_PATH } from '../shared/realtime/events';
import { createCollab, type Collab } from './collab';
import { REMINDER_SWEEP_MS, sendDueReminders } from './calendar/reminders';
import { feedEndpoint } from './calendar/feed-endpoint';
import { sendDeadlineAlerts } from './proposals/deadlines';
import { OVERDUE_SWEEP_MS, sendOverdueNotices } from './inspections/overdue';
import { startSweep } from './jobs';
import { COLLAB_PATH } from '../shared/realtime/collab';
import { createRateLimits, noRateLimits } from './rate-limits';
import { connectRedisCommands } from './redis';
import { createWordPool } from './word/pool';

export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  database: Database;
  log: Logger;
  /** socket.io (issue 3): `realtime.hub` emits after commit; `realtime.io` for tests. */
  realtime: Realtime;
  /** The collaboration server (issue 4): `collab.recheckDraft/recheckUser` after access changes. */
  collab: Collab;
  close(): Promise<void>;
}

/** An upgrade handler owns a path prefix (`/collab/`, `/socket.io/`); anything else is refused. */
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const database = await createDatabase({
    databaseUrl: config.databaseUrl,
    databaseOwnerUrl: config.databaseOwnerUrl,
    dataDir: config.dataDir,
    onPoolError: (err) => log.warn({ err }, 'database connection lost; the pool reconnects'),
    onUpkeepError: (err) => log.warn({ err }, 'embedded database upkeep (vacuum) failed'),
    beforeAppRole: config.demo
      ? async (owner) => {
          const created = await seedDemo(owner, await hashPassword(config.demoPassword));
          if (created) log.info('demo data seeded');
        }
      : undefined,
  });

  const app = express();
  app.disable('x-powered-by');
  if (config.trustProxy) app.set('trust proxy', true);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    // One id per request, in every log line about it and in the answer (a user can quote it): the load
    // balancer's when it is trusted, else our own.
    const forwardedId = config.trustProxy ? req.headers['x-request-id'] : undefined;
    const requestId = typeof forwardedId === 'string' && /^[\w.-]{1,100}$/.test(forwardedId) ? forwardedId : crypto.randomUUID();
    res.locals.log = log.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      if (req.path.startsWith('/assets/')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      res.locals.log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    // Remix's adapter builds request.url from Host and X-Forwarded-Host, whose port it reads even when
    // proxies are not trusted: drop what we do not trust, and answer a host no URL can be made of here
    // (it would throw inside the adapter as a 500).
    if (!config.trustProxy) delete req.headers['x-forwarded-host'];
    const forwarded = req.headers['x-forwarded-host'];
    if (!isHostHeader(req.headers.host) || (forwarded !== undefined && !String(forwarded).split(',').every((h) => isHostHeader(h.trim())))) {
      res.status(400).type('text/plain').send('Bad request: the Host header is not a host name');
      return;
    }
    // Cross-site form posts are refused: SameSite=Lax cookies plus an Origin check.
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !isAllowedOrigin(req, config)) {
      res.status(403).type('text/plain').send('Forbidden origin');
      return;
    }
    next();
  });
  app.use(securityHeaders(config), bodyLimit());

  const redis = config.redisUrl ? connectRedisCommands(config.redisUrl, log) : undefined;
  // The database, and Redis when configured: without it live edits and events stop crossing processes.
  app.get('/healthz', async (_req, res) => {
    const [db, red] = await Promise.all([
      answers(ping(database.db), 'database', log),
      redis ? answers(redis.client.ping(), 'Redis', log) : undefined,
    ]);
    const body = { status: db && red !== false ? 'ok' : 'error', db: db ? 'ok' : 'unavailable', ...(redis ? { redis: red ? 'ok' : 'unavailable' } : {}) };
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  });

  const server = http.createServer(app);
  const rateLimits = config.rateLimits ? createRateLimits(redis) : noRateLimits;
  const realtime = await createRealtime({ db: database.db, config, log, rateLimits });
  const collab = createCollab({ db: database.db, config, log, rateLimits });
  // Every process sweeps; each reminder, alert and notice is claimed once in the database.
  const call = { realtime: realtime.hub };
  const stopSweeps = [
    startSweep('calendar reminder sweep', REMINDER_SWEEP_MS, () => sendDueReminders(database.db, call), log),
    // Proposal deadlines (催办); the first soon after start.
    startSweep('proposal deadline sweep', config.deadlineSweepMs, () => sendDeadlineAlerts(database.db, call), log,
      Math.min(config.deadlineSweepMs, 5_000)),
    // Overdue rectification items, each told once to its unit.
    startSweep('overdue rectification sweep', OVERDUE_SWEEP_MS, () => sendOverdueNotices(database.db, call), log),
    // Sessions and login attempts past keeping.
    startSweep('sign-in records pruning', SIGN_IN_PRUNE_MS, () => pruneSignInRecords(database.db), log, 60_000),
  ];
  // One thread, started on the first import or export: the other core stays with the event loop
  // (and PGlite, which runs on it), whatever documents are converting.
  const word = createWordPool({ size: 1, timeLimitMs: config.wordTimeLimitMs });
  let build: () => Promise<ServerBuild>;
  let vite: import('vite').ViteDevServer | undefined;
  if (config.env === 'development') {
    const { createServer } = await import('vite');
    vite = await createServer({ server: { middlewareMode: true, hmr: { server } } });
    app.use(vite.middlewares);
    build = () => vite!.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>;
  } else {
    const root = path.resolve(import.meta.dirname, '..', 'build');
    // The build's only client files are its content-hashed assets (the app has no public/ folder):
    // a static handler for every other path would look each URL up on disk first.
    app.use('/assets', express.static(path.join(root, 'client/assets'), { immutable: true, maxAge: '1y' }));
    const serverBuild = (await import(path.join(root, 'server/index.js'))) as ServerBuild;
    build = async () => serverBuild;
  }

  // Calendar apps' polls, answered before Remix (decision 21).
  app.get('/calendar/:feed', feedEndpoint({ db: database.db, config, rateLimits }));
  app.all('*', createRequestHandler({
    build: build as any,
    mode: config.env,
    getLoadContext: (req, res) => ({
      db: database.db, config, log: res.locals.log as Logger, ip: req.ip ?? req.socket.remoteAddress ?? '', realtime: realtime.hub, collab, rateLimits, word, cspNonce: cspNonce(res),
    }) satisfies ServerContext,
  }));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.locals.bodyTooLarge) return; // answered 413 already; Remix failed reading the body it was cut off from
    // Client errors raised by Express itself (e.g. a URIError on broken %-encoding carries status 400) stay 4xx.
    const status = Number((err as { status?: unknown } | null)?.status);
    const reqLog: Logger = res.locals.log ?? log;
    if (status >= 400 && status < 500) reqLog.warn({ status, path: _req.path, reason: (err as Error).message }, 'bad request');
    else reqLog.error({ err }, 'request failed');
    if (!res.headersSent) res.status(status >= 400 && status < 500 ? status : 500).type('text/plain').send(status >= 400 && status < 500 ? 'Bad request' : 'Internal error');
  });

  // One upgrade router: later issues register /collab/ and /socket.io/ here.
  const upgradeHandlers = new Map<string, UpgradeHandler>();
  upgradeHandlers.set(REALTIME_PATH, realtime.handleUpgrade);
  upgradeHandlers.set(COLLAB_PATH, collab.handleUpgrade);
  server.on('upgrade', (req, socket, head) => {
    const url = req.url ?? '';
    if (vite && url.startsWith('/?token=')) return; // Vite's own HMR socket
    for (const [prefix, handle] of upgradeHandlers) {
      if (url.startsWith(prefix)) return handle(req, socket, head);
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log.info({ url, database: database.backend }, 'listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting, let requests in flight finish, then close the database.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all(stopSweeps.map((stop) => stop()));
      await realtime.close(); // open websockets would otherwise hold server.close() for 10 s
      await collab.close(); // closes its sockets and stores every open document: before the database closes
      await word.close();
      setTimeout(() => server.closeAllConnections(), 10_000).unref();
      await stopped;
      await vite?.close();
      redis?.client.disconnect();
      await database.close();
      log.info('stopped');
    })());

  return { url, port, server, database, log, realtime, collab, close };
}

/** Whether `check` succeeds within 2 s (a health check must answer even when a dependency hangs). */
async function answers(check: Promise<unknown>, what: string, log: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), 2000); })]);
    return true;
  } catch (err) {
    log.warn({ err }, `health check: ${what} does not answer`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A Host header value is `name[:port]` and nothing else (absent is fine: HTTP/1.0). */
function isHostHeader(value: string | undefined): boolean {
  if (value === undefined) return true;
  try {
    const url = new URL(`http://${value}`);
    return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !value.includes('/');
  } catch {
    return false;
  }
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(1); }
    throw err;
  }
  let running: RunningServer;
  try {
    running = await startServer(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) { console.error(err.message); process.exit(1); }
    throw err;
  }
  if (config.demo) {
    console.log(`\n  川渝政协协同履职平台 → ${running.url}\n  Demo logins: cq-member, sc-member, cq-admin, ... password: ${config.demoPassword}\n`);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.log.info({ signal }, 'shutting down');
      running.close().then(() => process.exit(0), (err) => { running.log.error({ err }); process.exit(1); });
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => { console.error(err); process.exit(1); });
}
