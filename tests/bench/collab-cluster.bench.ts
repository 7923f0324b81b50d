/**
 * Live co-editing on several app processes (issue 15): the load of collab-load (D documents × C
 * clients × R edits/s, real y-websocket providers in 2 worker processes) spread over 1, 2 and 3 app
 * processes on one PostgreSQL and one Redis, each document's clients round-robin over the processes
 * (client k of document d on process (d + k) mod N), so every keystroke crosses Redis. Then the
 * failure case: the same load on KILL_PROCESSES processes, one of them killed with SIGKILL halfway.
 *
 * - Reference: ONE app process without Redis (the single-process deployment), same bench, same run.
 * - Delivery latency and lost deliveries as in collab-load (a keystroke's Yjs id is its key).
 * - Divergence: every client's final document, a fresh client joining each process at the end, and
 *   the database once every process has stopped (SIGTERM flushes) must all be equal.
 * - CPU: utime + stime over the editing window (+2 s) of every app process, of the PostgreSQL
 *   backends serving the bench database, and of redis-server (its pid from INFO), all from /proc.
 *   Redis may be shared with other work on this machine: its share is counted whole.
 * - Kill -9: each client is given every process's URL (its own first); when its connection closes it
 *   dials the next, as a load balancer skipping a dead backend would. An edit is ACKNOWLEDGED when a
 *   client connected to another process than its writer's had received it before the kill (it left
 *   the writer's process and went through Redis). After the run every acknowledged edit (and every
 *   other edit) must be in a fresh client's copy on each surviving process and in the database.
 *
 * Knobs: BENCH_COLLAB_DOCS (50), BENCH_COLLAB_CLIENTS (10), BENCH_COLLAB_RATE (2), BENCH_COLLAB_SECONDS
 * (20), BENCH_CLUSTER_KILL_PROCESSES (2), REDIS_URL (redis://127.0.0.1:6379; a prefix of its own per run),
 * BENCH_DATABASE_URL / TEST_DATABASE_URL (PostgreSQL: required, PGlite is one process only).
 */
import os from 'node:os';
import * as Y from 'yjs';
import type { Benchmark, BenchContext, Row } from './run';
import { envInt, ensureBuild, sleep, summarize, withBuildReadLock, type LatencySummary } from './support';
import {
  BENCH_AUTHOR, BENCH_EDITOR, createBenchDrafts, databaseCpuMeter, docDigest, login, machineBusyMs, nowMs, prepareDatabase, procSample,
  readStoredDocs, spawnAppServer, type ServerChild,
} from './collab-support';
import { ClientWorkers, type ClientSpec, type FinalState, type Observed, type Probe, type Writes } from './collab-clients';

const DOCS = envInt('BENCH_COLLAB_DOCS', 50);
const CLIENTS = envInt('BENCH_COLLAB_CLIENTS', 10);
const RATE = envInt('BENCH_COLLAB_RATE', 2);
const SECONDS = envInt('BENCH_COLLAB_SECONDS', 20);
const KILL_PROCESSES = Math.max(2, envInt('BENCH_CLUSTER_KILL_PROCESSES', 2));
const WORKERS = 2;
const CPU_TAIL_MS = 2000;
const SETTLE_MS = 5000;
const QUIET_MS = 1500;
const WARMUP = { docs: 5, seconds: 3 };

/** byDocument: all clients of a document on one process (a balancer hashing the /collab/<draft> path), else round-robin. */
interface Setup { label: string; processes: number; redis: boolean; byDocument?: boolean }
const SETUPS: Setup[] = [
  { label: '1 process, no Redis (reference)', processes: 1, redis: false },
  { label: '1 process + Redis', processes: 1, redis: true },
  { label: '2 processes + Redis', processes: 2, redis: true },
  { label: '3 processes + Redis', processes: 3, redis: true },
  { label: '2 processes + Redis, each document\'s clients on one process', processes: 2, redis: true, byDocument: true },
];
/** The kill case waits this long after the last edit for late deliveries (reconnections under load). */
const KILL_SETTLE_MS = 20_000;

type DbMeter = NonNullable<Awaited<ReturnType<typeof databaseCpuMeter>>>;

/** CPU ms of a process so far, or null once it is gone (a killed app process, a Redis we may not read). */
const cpuOf = (pid: number) => { try { return procSample(pid).cpuMs; } catch { return null; } };

interface RunResult {
  latency: LatencySummary;
  writes: number;
  expected: number;
  delivered: number;
  /** CPU ms over the window: app processes, PostgreSQL backends, redis-server. */
  cpu: { app: number; db: number; redis: number };
  /** Share of the machine's cores busy over the window, and the part not accounted for by this run (other tenants). */
  machineBusy: number;
  otherBusy: number;
  clientCpuMs: number;
  /** Documents whose clients and fresh clients on each live process do not all agree. */
  diverged: number;
  /** Per document, the servers' copy (fresh clients on every live process agreeing), else null: what the database must hold. */
  digests: Array<string | null>;
  closes: number;
  /** The kill case: per edit key, its writer; the observations before the kill; resync times. */
  kill?: { acknowledged: Edit[]; acknowledgedViaKilled: number; all: Edit[]; resyncMs: number[]; notBack: number };
  /** Per document, the state vector of the fresh client on each live process. */
  probes: Probe[][];
}

async function runLoad(
  ctx: BenchContext, workers: ClientWorkers, procs: ServerChild[], rooms: string[], headersOf: (i: number) => Record<string, string>,
  o: { docs: number; seconds: number; db?: DbMeter; redisPid?: number | null; killIndex?: number; byDocument?: boolean },
): Promise<RunResult> {
  const total = o.docs * CLIENTS;
  const period = 1000 / RATE;
  const n = procs.length;
  const specs: ClientSpec[] = [];
  const procOf = new Int32Array(total);
  const docOf = new Int32Array(total);
  for (let d = 0; d < o.docs; d++) {
    for (let k = 0; k < CLIENTS; k++) {
      const index = d * CLIENTS + k;
      const p = o.byDocument ? d % n : (d + k) % n;
      procOf[index] = p;
      docOf[index] = d;
      specs.push({
        index, doc: d, room: rooms[d], headers: headersOf(index), phase: ((k * o.docs + d) / total) * period,
        urls: procs.map((_, j) => procs[(p + j) % n].url),
      });
    }
  }
  try {
    await workers.all((w) => ({ type: 'open', clients: specs.filter((s) => s.index % CLIENTS % WORKERS === w) }));
    await sleep(QUIET_MS);

    const appCpu = () => procs.reduce((sum, p) => sum + (cpuOf(p.pid) ?? 0), 0);
    const app0 = appCpu();
    const redis0 = o.redisPid ? cpuOf(o.redisPid) : null;
    const db0 = await o.db?.start();
    const clientCpu0 = workers.cpuMs();
    const machine0 = machineBusyMs();
    const startAt = nowMs() + 300;
    const edits = workers.all<Writes>(() => ({ type: 'edit', startAt, seconds: o.seconds, rate: RATE }));
    let kill: { at: number; cpuBefore: number } | undefined;
    if (o.killIndex !== undefined) {
      await sleep(startAt + (o.seconds * 1000) / 2 - nowMs());
      const cpuBefore = cpuOf(procs[o.killIndex].pid) ?? 0;
      procs[o.killIndex].signal('SIGKILL');
      kill = { at: nowMs(), cpuBefore };
      ctx.log(`killed process ${o.killIndex + 1} (pid ${procs[o.killIndex].pid}) with SIGKILL`);
    }
    await sleep(startAt + o.seconds * 1000 + CPU_TAIL_MS - nowMs());
    // A killed process's CPU counts up to its death.
    const appMs = appCpu() + (kill?.cpuBefore ?? 0) - app0;
    const redis1 = o.redisPid ? cpuOf(o.redisPid) : null;
    const dbMs = db0 ? await o.db!.since(db0) : 0;
    const clientCpuMs = workers.cpuMs() - clientCpu0;
    const machineMs = machineBusyMs() - machine0;
    const windowMs = o.seconds * 1000 + CPU_TAIL_MS + 300;
    const writesByWorker = await edits;

    const writeAt = new Map<number, number>();
    const writerOf = new Map<number, number>();
    for (const w of writesByWorker) w.key.forEach((k, i) => { writeAt.set(k, w.t[i]); writerOf.set(k, w.writer[i]); });
    const expected = writeAt.size * (CLIENTS - 1);
    const latencies: number[] = [];
    const acknowledged = new Set<number>();
    const deadline = startAt + o.seconds * 1000 + (kill ? KILL_SETTLE_MS : SETTLE_MS);
    for (;;) {
      for (const got of await workers.all<Observed>(() => ({ type: 'collect' }))) {
        for (let i = 0; i < got.key.length; i++) {
          const key = got.key[i];
          const at = writeAt.get(key);
          if (at === undefined) continue;
          latencies.push(got.t[i] - at);
          if (kill && got.t[i] < kill.at && procOf[got.reader[i]] !== procOf[writerOf.get(key)!]) acknowledged.add(key);
        }
      }
      if (latencies.length >= expected || nowMs() > deadline) break;
      await sleep(100);
    }

    const finals = (await workers.all<FinalState[]>(() => ({ type: 'final' }))).flat();
    const live = procs.filter((_, i) => i !== o.killIndex);
    const probes: Probe[][] = Array.from({ length: o.docs }, () => []);
    for (const p of live) {
      const got = await workers.request<Probe[]>(0, { type: 'probe', url: p.url, rooms: rooms.slice(0, o.docs), headers: headersOf(0) });
      got.forEach((probe, d) => probes[d].push(probe));
    }
    const byDoc = probes.map((list) => new Set(list.map((p) => p.hash)));
    // Compared with the database: the servers' copy (a client still catching up would not be the database's fault).
    const digests = byDoc.map((s) => (s.size === 1 ? [...s][0] : null));
    for (const f of finals) byDoc[docOf[f.index]].add(f.hash);
    const diverged = byDoc.filter((s) => s.size > 1).length;

    let killResult: RunResult['kill'];
    if (kill) {
      const resyncMs: number[] = [];
      let notBack = 0;
      for (const f of finals) {
        if (procOf[f.index] !== o.killIndex) continue;
        const back = f.syncs.find((t) => t > kill.at);
        if (back === undefined) notBack++;
        else resyncMs.push(back - kill.at);
      }
      const edit = (key: number): Edit => ({ key, doc: docOf[writerOf.get(key)!] });
      killResult = {
        acknowledged: [...acknowledged].map(edit), all: [...writeAt.keys()].map(edit), resyncMs, notBack,
        acknowledgedViaKilled: [...acknowledged].filter((k) => procOf[writerOf.get(k)!] === o.killIndex).length,
      };
    }
    const cpus = os.cpus().length;
    const redisMs = redis0 !== null && redis1 !== null ? redis1 - redis0 : 0;
    return {
      latency: summarize(latencies), writes: writeAt.size, expected, delivered: latencies.length,
      cpu: { app: appMs, db: dbMs, redis: redisMs }, clientCpuMs,
      machineBusy: machineMs / (windowMs * cpus),
      otherBusy: Math.max(0, machineMs - appMs - dbMs - redisMs - clientCpuMs) / (windowMs * cpus),
      diverged, digests, closes: finals.reduce((sum, f) => sum + f.closes, 0),
      kill: killResult, probes,
    };
  } finally {
    await workers.all(() => ({ type: 'close' }));
  }
}

/** An edit: its key (Yjs client × 1e6 + clock) and document. */
interface Edit { key: number; doc: number }

/** Edits whose Yjs id a document lacks: a client's ids are integrated in order, so its state vector says. */
function missingFrom(edits: Edit[], stateVectors: Array<Map<number, number>>): number {
  let missing = 0;
  for (const { key, doc } of edits) {
    const client = Math.floor(key / 1e6);
    if ((stateVectors[doc].get(client) ?? 0) <= key - client * 1e6) missing++;
  }
  return missing;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const per1000 = (ms: number, r: RunResult) => ms / (r.delivered / 1000);
const totalCpu = (r: RunResult) => r.cpu.app + r.cpu.db + r.cpu.redis;

const LATENCY_NOTE = 'Writer notes CLOCK_MONOTONIC just before inserting; each other client of the document notes when that character\'s Yjs id '
  + 'is integrated. Client k of document d is connected to process (d + k) mod N, so most deliveries cross Redis (except the last setup: process d mod N).';
const CPU_NOTE = 'utime+stime from /proc over the editing window + 2 s: every app process, the PostgreSQL backends of the bench database, '
  + 'and redis-server (shared with other work on this machine, counted whole), divided by the deliveries the clients observed. '
  + 'Reference: the same bench on one app process without Redis, in the same run.';
const DIVERGED_NOTE = 'Documents whose final XML differs between its clients, or from a fresh client joining each (surviving) process at the end.';
const STORED_NOTE = 'After the clients left and every process stopped (SIGTERM flushes), each draft read back from the database and compared '
  + 'with the fresh clients\' copies (the servers\' state at the end).';
const ACK_NOTE = 'Acknowledged: before the kill, a client connected to another process than the writer\'s had received the edit '
  + '(it had left the writer\'s process through Redis). Checked by Yjs id in a fresh client on each surviving process and in the database after shutdown.';
const RESYNC_NOTE = 'From the SIGKILL to the provider\'s next "synced" (it has the server\'s whole state) for each client of the killed process; '
  + 'each client dials the next process in its list when its connection closes (y-websocket backoff, at most 1 s).';

export default {
  name: 'collab cluster',
  timeoutMs: 1_500_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    const database = await prepareDatabase();
    if (database.backend !== 'postgres') {
      await database.drop();
      throw new Error('collab cluster needs PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL): PGlite belongs to one process');
    }
    const redisBase = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    redisBase.searchParams.set('prefix', `bench-cluster-${process.pid}-${Date.now()}`);
    const redisUrl = redisBase.toString();
    const { Redis } = await import('ioredis');
    const probeRedis = new Redis(redisUrl.split('?')[0], { maxRetriesPerRequest: 1 });
    const redisPid = Number(/process_id:(\d+)/.exec(await probeRedis.info('server'))?.[1]) || null;
    probeRedis.disconnect();
    // Only a local redis-server's CPU can be read.
    const redisLocal = redisPid !== null && ['127.0.0.1', 'localhost'].includes(redisBase.hostname) && cpuOf(redisPid) !== null;

    const workers = new ClientWorkers();
    let dbMeter: DbMeter | null = null;
    let procs: ServerChild[] = [];
    const stopAll = async () => { await Promise.all(procs.map((p) => p.stop())); procs = []; };
    try {
      const runs = SETUPS.length + 1;
      const { db, close } = await database.open();
      const all = await createBenchDrafts(db, (DOCS + WARMUP.docs) * runs, (i) => [`第${i + 1}号联合提案：关于成渝氢走廊建设的建议`]);
      await close();
      const idsOf = (run: number) => all.ids.slice(run * (DOCS + WARMUP.docs), run * (DOCS + WARMUP.docs) + DOCS);
      const warmOf = (run: number) => all.ids.slice(run * (DOCS + WARMUP.docs) + DOCS, (run + 1) * (DOCS + WARMUP.docs));
      await workers.start(WORKERS);
      dbMeter = await databaseCpuMeter(database);
      let cookies: string[] = [];
      const headersOf = (i: number) => ({ cookie: cookies[i % cookies.length] });

      const start = async (count: number, redis: boolean) => {
        // One after another: each runs the migrations at start.
        for (let i = 0; i < count; i++) {
          procs.push(await withBuildReadLock(() => spawnAppServer({ ...database.env, ...(redis ? { REDIS_URL: redisUrl } : {}) })));
        }
        if (cookies.length === 0) {
          // Sessions live in the database: valid on every process. One login per user (argon2), shared like tabs.
          cookies = await Promise.all([BENCH_AUTHOR, BENCH_EDITOR, BENCH_AUTHOR, BENCH_EDITOR].map((u) => login(procs[0].url, u, database.demoPassword)));
        }
      };
      const storedDiffers = async (ids: string[], digests: Array<string | null>) => {
        const reopened = await database.open();
        try {
          const stored = await readStoredDocs(reopened.db, ids);
          return { differs: ids.filter((id, d) => docDigest(stored.get(id)!).hash !== digests[d]).length, stored };
        } finally {
          await reopened.close();
        }
      };

      const rows: Row[] = [];
      let reference: RunResult | undefined;
      for (const [s, setup] of SETUPS.entries()) {
        await start(setup.processes, setup.redis);
        ctx.log(`${setup.label}: app pids ${procs.map((p) => p.pid).join(', ')}`);
        await runLoad(ctx, workers, procs, warmOf(s), headersOf, { ...WARMUP, byDocument: setup.byDocument });
        const r = await runLoad(ctx, workers, procs, idsOf(s), headersOf, {
          docs: DOCS, seconds: SECONDS, db: dbMeter ?? undefined, redisPid: setup.redis && redisLocal ? redisPid : null, byDocument: setup.byDocument,
        });
        await sleep(QUIET_MS);
        await stopAll();
        const { differs } = await storedDiffers(idsOf(s), r.digests);
        ctx.log(`${setup.label}: p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, ${r.delivered}/${r.expected} delivered, `
          + `CPU app ${r.cpu.app} + PostgreSQL ${r.cpu.db} + Redis ${r.cpu.redis} ms (${per1000(totalCpu(r), r).toFixed(1)}/1000), `
          + `${r.diverged} diverged, ${differs} stored differ, machine ${pct(r.machineBusy)} busy (${pct(r.otherBusy)} others)`);
        reference ??= r;
        const ref = reference;
        const c = `${DOCS} docs × ${CLIENTS} clients × ${RATE} edits/s × ${SECONDS} s, ${setup.label}`;
        const isRef = r === ref;
        rows.push(
          { case: c, metric: 'p50 delivery latency', unit: 'ms', value: r.latency.p50, reference: isRef ? undefined : ref.latency.p50, note: LATENCY_NOTE },
          { case: c, metric: 'p99 delivery latency', unit: 'ms', value: r.latency.p99, reference: isRef ? undefined : ref.latency.p99, target: '≤ 50 ms', met: r.latency.p99 <= 50, note: LATENCY_NOTE },
          { case: c, metric: 'lost deliveries (of expected)', value: `${r.expected - r.delivered}/${r.expected}`, target: '0', met: r.delivered === r.expected },
          { case: c, metric: 'diverged documents (clients, fresh client on each process)', value: r.diverged, target: '0', met: r.diverged === 0, note: DIVERGED_NOTE },
          { case: c, metric: 'stored documents differing from the servers\' copy', value: differs, target: '0', met: differs === 0, note: STORED_NOTE },
          {
            case: c, metric: 'CPU per 1000 deliveries: app + PostgreSQL + Redis', unit: 'ms', value: per1000(totalCpu(r), r),
            reference: isRef ? undefined : per1000(totalCpu(ref), ref), target: isRef ? undefined : '≤ 1.3× reference',
            met: isRef ? undefined : per1000(totalCpu(r), r) <= 1.3 * per1000(totalCpu(ref), ref), note: CPU_NOTE,
          },
          {
            case: c, metric: 'of which app / PostgreSQL / Redis, per 1000 deliveries',
            value: `${per1000(r.cpu.app, r).toFixed(0)} / ${per1000(r.cpu.db, r).toFixed(0)} / ${setup.redis ? (redisLocal ? per1000(r.cpu.redis, r).toFixed(0) : 'n/a') : '–'} ms`,
            reference: isRef ? undefined : `${per1000(ref.cpu.app, ref).toFixed(0)} / ${per1000(ref.cpu.db, ref).toFixed(0)} / – ms`,
          },
          { case: c, metric: 'machine busy: all / outside this run', value: `${pct(r.machineBusy)} / ${pct(r.otherBusy)}` },
        );
      }

      // The failure case: KILL_PROCESSES processes, the second one SIGKILLed halfway through the edits.
      const k = SETUPS.length;
      await start(KILL_PROCESSES, true);
      await runLoad(ctx, workers, procs, warmOf(k), headersOf, { ...WARMUP });
      const r = await runLoad(ctx, workers, procs, idsOf(k), headersOf, { docs: DOCS, seconds: SECONDS, killIndex: 1 });
      const kill = r.kill!;
      await sleep(QUIET_MS);
      await stopAll();
      const { differs, stored } = await storedDiffers(idsOf(k), r.digests);
      const ids = idsOf(k);
      const storedSv = ids.map((id) => Y.decodeStateVector(Y.encodeStateVector(stored.get(id)!)));
      const liveCount = KILL_PROCESSES - 1;
      let ackMissingLive = 0;
      let allMissingLive = 0;
      for (let p = 0; p < liveCount; p++) {
        const svs = r.probes.map((list) => Y.decodeStateVector(list[p].stateVector));
        ackMissingLive += missingFrom(kill.acknowledged, svs);
        allMissingLive += missingFrom(kill.all, svs);
      }
      const ackMissingDb = missingFrom(kill.acknowledged, storedSv);
      const allMissingDb = missingFrom(kill.all, storedSv);
      const resync = summarize(kill.resyncMs);
      ctx.log(`kill -9: ${kill.acknowledged.length} acknowledged (${kill.acknowledgedViaKilled} written through the killed process); missing: `
        + `${ackMissingLive} on surviving processes, ${ackMissingDb} in the database; all edits missing ${allMissingLive} / ${allMissingDb}; `
        + `resync p50 ${resync.p50.toFixed(0)} ms, max ${resync.max.toFixed(0)} ms, ${kill.notBack} not back; ${r.delivered}/${r.expected} delivered, `
        + `${r.diverged} diverged, ${differs} stored differ`);
      const c = `${DOCS} docs × ${CLIENTS} clients × ${RATE} edits/s × ${SECONDS} s on ${KILL_PROCESSES} processes + Redis, process 2 killed (-9) at ${SECONDS / 2} s`;
      rows.push(
        { case: c, metric: 'edits acknowledged before the kill (of them written through the killed process)', value: `${kill.acknowledged.length} (${kill.acknowledgedViaKilled})`, note: ACK_NOTE },
        {
          case: c, metric: 'acknowledged edits lost: surviving processes / database', value: `${ackMissingLive} / ${ackMissingDb}`,
          target: '0', met: ackMissingLive === 0 && ackMissingDb === 0, note: ACK_NOTE,
        },
        {
          case: c, metric: `all edits lost (of ${kill.all.length}): surviving processes / database`, value: `${allMissingLive} / ${allMissingDb}`,
          target: '0', met: allMissingLive === 0 && allMissingDb === 0,
        },
        {
          case: c, metric: `killed process's clients back in sync, p50 / max (${kill.resyncMs.length} of ${kill.resyncMs.length + kill.notBack})`,
          value: `${resync.p50.toFixed(0)} / ${resync.max.toFixed(0)} ms`, met: kill.notBack === 0, target: 'all', note: RESYNC_NOTE,
        },
        { case: c, metric: 'lost deliveries (of expected; late ones count once they arrive)', value: `${r.expected - r.delivered}/${r.expected}`, target: '0', met: r.delivered === r.expected },
        { case: c, metric: 'p99 / max delivery latency (the kill\'s backlog included)', value: `${r.latency.p99.toFixed(0)} / ${r.latency.max.toFixed(0)} ms` },
        { case: c, metric: 'diverged documents (clients, fresh client on the survivors)', value: r.diverged, target: '0', met: r.diverged === 0, note: DIVERGED_NOTE },
        { case: c, metric: 'stored documents differing from the servers\' copy', value: differs, target: '0', met: differs === 0, note: STORED_NOTE },
      );
      return rows;
    } finally {
      workers.stop();
      await Promise.all(procs.map((p) => p.stop(5000)));
      // Before the database is dropped: the drop ends its connection, an error nobody would handle.
      await dbMeter?.close().catch(() => undefined);
      await database.drop();
    }
  },
} satisfies Benchmark;
