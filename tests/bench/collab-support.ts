/**
 * Helpers for the collaboration benchmarks (collab-*.bench.ts): servers as child processes measured
 * through /proc, a seeded database with bench drafts, and y-websocket clients with a cookie and an
 * Origin. Load-generator workers import this file too, so its top-level imports stay light: the
 * database and server modules are imported on first use.
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type { Kysely } from 'kysely';
import type { DB } from '../../db';
import { root, sleep } from './support';

/** CLOCK_MONOTONIC in ms: one clock for every process on this machine (latency across processes). */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

const CLK_TCK = (() => {
  try { return Number(execSync('getconf CLK_TCK').toString().trim()) || 100; } catch { return 100; }
})();

export interface ProcSample { cpuMs: number; rssMb: number; hwmMb: number; writes: number }

/** CPU (user + system), memory and write-like system calls (sends included) of any process on this machine, from /proc. */
export function procSample(pid: number): ProcSample {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  const writes = Number(/^syscw:\s+(\d+)/m.exec(io)?.[1] ?? 0);
  return { cpuMs, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, writes };
}

/** CPU time (ms) every core of this machine spent busy so far (/proc/stat): other tenants' load shows here. */
export function machineBusyMs(): number {
  const [, ...v] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = v.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return ((total - n[3] - n[4]) * 1000) / CLK_TCK;
}

/** Samples a process's resident memory every `everyMs` and keeps the peak. */
export function rssSampler(pid: number, everyMs = 100) {
  let peak = 0;
  const take = () => { try { peak = Math.max(peak, procSample(pid).rssMb); } catch { /* exited */ } };
  take();
  const timer = setInterval(take, everyMs);
  return { stop() { clearInterval(timer); take(); return peak; } };
}

/** Waits until a process has used no CPU for `quietMs` (background work such as compaction is over). */
export async function waitIdle(pid: number, quietMs = 1000, maxMs = 60_000): Promise<boolean> {
  const end = Date.now() + maxMs;
  let last = procSample(pid).cpuMs;
  let quietSince = Date.now();
  while (Date.now() < end) {
    await sleep(100);
    const cpu = procSample(pid).cpuMs;
    if (cpu - last > 1000 / CLK_TCK) quietSince = Date.now(); // more than one clock tick per 100 ms: busy
    last = cpu;
    if (Date.now() - quietSince >= quietMs) return true;
  }
  return false;
}

export interface ServerChild {
  url: string;
  pid: number;
  proc: ChildProcess;
  sample(): ProcSample;
  /** The last output (for failures). */
  output(): string;
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A free port (the tests' helper; imported on use: the client workers load this file too). */
const freePort = async () => (await import('../support/collab')).freePort();

async function spawnNode(args: string[], env: Record<string, string>, ready: RegExp, port: number): Promise<ServerChild> {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => { out = (out + d.toString()).slice(-20_000); };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const check = () => { if (ready.test(out)) { clearTimeout(timer); resolve(); } };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${out}`)); });
  });
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid!,
    proc,
    sample: () => procSample(proc.pid!),
    output: () => out,
    signal: (sig) => { if (alive()) proc.kill(sig); },
    async stop(graceMs = 30_000) {
      if (!alive()) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => { if (alive()) proc.kill('SIGKILL'); }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Lets the bench force a full GC in a server child started with `gcHook: true` (kill -USR2). */
const GC_HOOK = `data:text/javascript,${encodeURIComponent('process.on("SIGUSR2", () => { globalThis.gc?.(); });')}`;

export interface SpawnOptions { gcHook?: boolean; nodeArgs?: string[] }

/** A profile is written on a normal exit: the reference server has no SIGTERM handler, give it one. */
const EXIT_ON_TERM = `data:text/javascript,${encodeURIComponent('process.once("SIGTERM", () => process.exit(0));')}`;
const cpuProf = (name: string) => (process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF, name)}`, ...(name === 'reference' ? ['--import', EXIT_ON_TERM] : [])] : []);

const nodeFlags = (o: SpawnOptions) => [...(o.gcHook ? ['--expose-gc', '--import', GC_HOOK] : []), ...(o.nodeArgs ?? [])];

/**
 * The app (production build) as `node --import tsx server/main.ts`, authentication, roles and
 * persistence on. BENCH_CPU_PROF=<dir>: every server child (app and reference) writes a V8 CPU profile
 * there when it exits.
 */
export async function spawnAppServer(env: Record<string, string>, o: SpawnOptions = {}): Promise<ServerChild> {
  return spawnNode([...nodeFlags(o), ...cpuProf('app'), '--import', 'tsx', 'server/main.ts'],
    // Hundreds of clients of two users connect at once: per-user connection limits off.
    { NODE_ENV: 'production', LOG_LEVEL: 'info', RATE_LIMITS: 'false', ...env }, /"msg":"listening"/, await freePort());
}

/** The reference: y-websocket@2.1.0's bundled server (bin/server.cjs), in memory, no auth. */
export async function spawnReferenceServer(o: SpawnOptions = {}): Promise<ServerChild> {
  const bin = path.join(root, 'node_modules/y-websocket-ref/bin/server.cjs');
  return spawnNode([...nodeFlags(o), ...cpuProf('reference'), bin], {}, /running at/, await freePort());
}

/** Forces two full GCs in a child started with `gcHook: true`, then lets the allocator return pages. */
export async function forceGc(server: ServerChild) {
  for (let i = 0; i < 2; i++) {
    server.signal('SIGUSR2');
    await sleep(300);
  }
}

// ---------------------------------------------------------------------------------------------
// Database: a fresh seeded one (PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set,
// else embedded PGlite, which only one process may open at a time: the bench opens it while no
// server runs).

export const BENCH_AUTHOR = 'cq-member';
export const BENCH_EDITOR = 'sc-member';

export interface BenchDatabase {
  backend: 'postgres' | 'pglite';
  /** Environment for a server child on this database. */
  env: Record<string, string>;
  demoPassword: string;
  /** Opens it (as the app role; `asOwner` for set-up); close before a PGlite server starts. */
  open(): Promise<{ db: Kysely<DB>; close(): Promise<void> }>;
  drop(): Promise<void>;
}

export async function prepareDatabase(): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
  const [{ freshDatabase, DEMO_PASSWORD }, { createDatabase }, { seedDemo }, { hashPassword }, { registerOwner }] = await Promise.all([
    import('../support/server'), import('../../db'), import('../../db/seed'), import('../../server/auth/passwords'), import('../support/owner'),
  ]);
  const fresh = await freshDatabase();
  const hash = await hashPassword(DEMO_PASSWORD);
  let seeded = false;
  const open = async () => {
    const database = await createDatabase({
      databaseUrl: fresh.databaseUrl, databaseOwnerUrl: fresh.databaseOwnerUrl, dataDir: fresh.dataDir,
      beforeAppRole: seeded ? undefined : async (owner) => { await seedDemo(owner, hash); seeded = true; },
    });
    const closeOwner = registerOwner(database.db, fresh.databaseOwnerUrl);
    return { db: database.db, async close() { await closeOwner(); await database.close(); } };
  };
  await (await open()).close();
  return {
    backend: fresh.databaseUrl ? 'postgres' : 'pglite',
    demoPassword: DEMO_PASSWORD,
    env: {
      DATA_DIR: fresh.dataDir, DEMO: 'true', DEMO_PASSWORD, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      ...(fresh.databaseUrl ? { DATABASE_URL: fresh.databaseUrl, DATABASE_OWNER_URL: fresh.databaseOwnerUrl! } : {}),
    },
    open,
    drop: () => fresh.drop(),
  };
}

export const databaseNote = (backend: 'postgres' | 'pglite') => backend === 'postgres'
  ? 'Database: PostgreSQL (BENCH_DATABASE_URL / TEST_DATABASE_URL), its own server processes: their CPU is not in the app server\'s.'
  : 'Database: embedded PGlite (WASM) inside the app server process: its CPU and memory count as the server\'s.';

/** Joint drafts in 川渝两省市政协合作平台 authored by cq-member, sc-member an editor; ids and their seeded states. */
export async function createBenchDrafts(db: Kysely<DB>, count: number, text: (i: number) => string[]) {
  const [{ createDraft }, { SEED }, { asOwner }] = await Promise.all([
    import('../support/collab'), import('../factories/demo'), import('../support/owner'),
  ]);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(await createDraft(db, {
      workspace: SEED.workspaces.chuanyu, author: BENCH_AUTHOR, visibility: 'joint', title: `压测草稿 ${i + 1}`,
      collaborators: { [BENCH_EDITOR]: 'editor' }, text: text(i),
    }));
  }
  const rows = await asOwner(db, (trx) => trx.selectFrom('draft_snapshots').select(['draft_id', 'data']).where('draft_id', 'in', ids).execute());
  const seeds = new Map(rows.map((r) => [r.draft_id, new Uint8Array(r.data)]));
  return { ids, seeds: ids.map((id) => seeds.get(id)!) };
}

/** What the database holds for each draft (snapshot + log), as the owner. */
export async function readStoredDocs(db: Kysely<DB>, ids: string[]): Promise<Map<string, Y.Doc>> {
  const [{ readStoredDocument }, { documentFromStored }, { asOwner }] = await Promise.all([
    import('../../db/queries/collab'), import('../../server/collab/document'), import('../support/owner'),
  ]);
  return asOwner(db, async (trx) => {
    const out = new Map<string, Y.Doc>();
    for (const id of ids) out.set(id, documentFromStored(await readStoredDocument(trx, id)));
    return out;
  });
}

/**
 * CPU of the PostgreSQL backends serving the bench database (a local server only: /proc), so a run
 * on PostgreSQL can show what the database spent besides the app process. Null on PGlite or remote.
 */
export async function databaseCpuMeter(database: BenchDatabase) {
  const url = database.env.DATABASE_OWNER_URL ? new URL(database.env.DATABASE_OWNER_URL) : null;
  if (!url || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const backends = async () => (await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [url.pathname.slice(1)])).rows.map((r) => r.pid);
  const cpuOf = (pid: number) => { try { return procSample(pid).cpuMs; } catch { return null; } };
  return {
    async start() {
      const at = new Map<number, number>();
      for (const pid of await backends()) { const c = cpuOf(pid); if (c !== null) at.set(pid, c); }
      return at;
    },
    /** CPU ms since `start` of the backends alive now (new ones count whole). */
    async since(at: Map<number, number>) {
      let total = 0;
      for (const pid of await backends()) { const c = cpuOf(pid); if (c !== null) total += c - (at.get(pid) ?? 0); }
      return total;
    },
    close: () => client.end(),
  };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ username, password }), redirect: 'manual' });
  const cookie = res.headers.get('set-cookie');
  if (res.status !== 302 || !cookie) throw new Error(`login as ${username} failed: ${res.status}`);
  return cookie.split(';')[0];
}

// ---------------------------------------------------------------------------------------------
// Clients

export const wsBase = (url: string) => `${url.replace(/^http/, 'ws')}/collab`;

/** The whole document as XML (structure and text): equal strings, equal documents. */
export const docDigest = (doc: Y.Doc) => {
  const xml = doc.getXmlFragment('default').toString();
  return { hash: crypto.createHash('sha1').update(xml).digest('hex').slice(0, 12), chars: xml.length };
};

export interface BenchClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  synced: Promise<void>;
  /** Close codes seen (a healthy run has none). */
  closes: number[];
  destroy(): void;
}

// Every provider adds a process 'exit' listener.
process.setMaxListeners(0);

/**
 * A y-websocket client (the browser's provider, ws as WebSocket) sending `headers` on the upgrade
 * (with the server's own Origin unless they name one). Given several servers (the processes behind a load balancer), it connects to the first and, whenever
 * a connection closes, retries on the next one, sending that server's own Origin: what a balancer that
 * skips a dead backend does for a browser.
 */
export function openBenchClient(url: string | string[], room: string, headers: Record<string, string>, syncTimeoutMs = 60_000): BenchClient {
  const urls = Array.isArray(url) ? url : [url];
  const originOf = (u: string) => new URL(u).origin.replace(/^ws/, 'http');
  class HeaderSocket extends WebSocket {
    constructor(u: string, protocols?: string | string[]) {
      super(u, protocols, { headers: urls.length > 1 || !headers.origin ? { ...headers, origin: originOf(u) } : headers });
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsBase(urls[0]), room, doc, {
    WebSocketPolyfill: HeaderSocket as unknown as typeof globalThis.WebSocket, disableBc: true, maxBackoffTime: 1000,
  });
  const closes: number[] = [];
  let current = 0;
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code);
    // Emitted before the provider schedules its reconnect, which reads serverUrl again.
    if (urls.length > 1) provider.serverUrl = wsBase(urls[(current = (current + 1) % urls.length)]);
  });
  const synced = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync on ${room} within ${syncTimeoutMs} ms (closes: ${closes.join(',') || 'none'})`)), syncTimeoutMs);
    const done = () => { clearTimeout(timer); resolve(); };
    if (provider.synced) done();
    provider.on('sync', (s: boolean) => { if (s) done(); });
  });
  synced.catch(() => undefined);
  return { doc, provider, synced, closes, destroy() { provider.destroy(); doc.destroy(); } };
}

/** The text of the first paragraph (where the bench types). */
export function firstText(doc: Y.Doc): Y.XmlText {
  const p = doc.getXmlFragment('default').get(0);
  const t = p instanceof Y.XmlElement ? p.get(0) : null;
  if (!(t instanceof Y.XmlText)) throw new Error('the document has no first paragraph with text');
  return t;
}
