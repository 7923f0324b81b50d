/**
 * Live co-editing load (issue 4): D documents × C clients each, every client a real y-websocket
 * provider (ws as its WebSocket) typing one character into the first paragraph at R edits/s for T
 * seconds, against the app's collaboration server (authentication, roles, authorship, persistence
 * on) and against the reference y-websocket@2.1.0 server, with the same generator in the same run.
 *
 * - Each server is a child process of its own; its CPU (utime + stime) and memory come from /proc.
 * - The clients run in 2 worker processes (collab-clients.ts; each document's clients split across both),
 *   so neither the server nor the clients share an event loop with anything measured.
 * - Delivery latency: a writer notes the time (CLOCK_MONOTONIC, common to all processes) just
 *   before inserting; the character's Yjs id (client, clock) is the key, so the timestamp travels
 *   out of band and every update is exactly a keystroke. Each other client of the document notes when
 *   that id is integrated (afterTransaction from the provider). Lost = expected (writes × (C - 1))
 *   minus observed after the edits end plus a settle time.
 * - Divergence: the final documents (XML of the fragment) of all clients of a document, of a fresh
 *   client that joins at the end (the server's memory) and, for the app, what the database stores
 *   once the server has stopped (it flushes on SIGTERM), must be equal.
 *
 * - The two servers run at the same time and take turns (reference, app, reference, app ...), so
 *   the machine's slow and fast minutes fall on both; each metric combines the rounds.
 *
 * Knobs: BENCH_COLLAB_DOCS (50), BENCH_COLLAB_CLIENTS (10), BENCH_COLLAB_RATE (2 edits/s),
 * BENCH_COLLAB_SECONDS (20), BENCH_COLLAB_ROUNDS (2), BENCH_DATABASE_URL (PostgreSQL; default: embedded PGlite).
 */
import os from 'node:os';
import type { Benchmark, BenchContext, Row } from './run';
import { envInt, ensureBuild, sleep, summarize, withBuildReadLock, type LatencySummary } from './support';
import {
  BENCH_AUTHOR, BENCH_EDITOR, createBenchDrafts, databaseCpuMeter, databaseNote, docDigest, login, machineBusyMs, nowMs, prepareDatabase,
  readStoredDocs, rssSampler, spawnAppServer, spawnReferenceServer, type ServerChild,
} from './collab-support';
import { ClientWorkers, type ClientSpec, type FinalState, type Observed, type Probe, type Writes } from './collab-clients';

const DOCS = envInt('BENCH_COLLAB_DOCS', 50);
const CLIENTS = envInt('BENCH_COLLAB_CLIENTS', 10);
const RATE = envInt('BENCH_COLLAB_RATE', 2);
const SECONDS = envInt('BENCH_COLLAB_SECONDS', 20);
const WORKERS = 2;
const ROUNDS = envInt('BENCH_COLLAB_ROUNDS', 2);
/** Server CPU is read over the edits plus this tail (both servers the same window). */
const CPU_TAIL_MS = 2000;
/** Deliveries still missing this long after the last edit are lost. */
const SETTLE_MS = 5000;
const QUIET_MS = 1500;
/** Edits from this second on are "steady state" (first-edit checks and backlogs are over). */
const STEADY_AFTER_S = 5;
/** The unreported warm-up run on each server, on other documents. */
const WARMUP = { docs: 5, seconds: 3 };

interface LoadResult {
  connectMs: number;
  latency: LatencySummary;
  /** Deliveries of each client's first edit (the app checks a new Yjs client id against the database). */
  firstLatency: LatencySummary;
  /** Deliveries of edits made after the first STEADY_AFTER_S seconds. */
  steadyLatency: LatencySummary;
  writes: number;
  expected: number;
  delivered: number;
  lost: number;
  cpuMs: number;
  cpuPer1000: number;
  /** Write-like system calls of the server (WebSocket sends, database queries, logs) per delivered update. */
  writesPerDelivery: number;
  /** CPU of the PostgreSQL backends serving the app over the same window (local PostgreSQL only). */
  dbCpuMs: number | null;
  /** CPU of the client workers over the same window. */
  clientCpuMs: number;
  /** p99 event-loop delay in the client workers while editing. */
  clientLoopP99: number;
  /** Share of the machine's cores busy over the window (all processes), and the part of it not this run's. */
  machineBusy: number;
  otherBusy: number;
  rssBeforeMb: number;
  peakRssMb: number;
  /** Documents whose clients (and the server's copy, via a fresh client) do not all agree. */
  diverged: number;
  closes: number;
  /** Per document, the agreed digest (when all agreed). */
  digests: Array<string | null>;
  /** The raw latencies behind the summaries (for combining rounds). */
  samples: { all: number[]; first: number[]; steady: number[] };
}

/**
 * Rounds of one server combined: latencies pooled, counts summed, CPU per delivery from the sums,
 * the worst of divergence and memory; digests of the last round (the documents' final state).
 */
function combine(runs: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: LoadResult) => number) => Math.max(...runs.map(f));
  const samples = { all: runs.flatMap((r) => r.samples.all), first: runs.flatMap((r) => r.samples.first), steady: runs.flatMap((r) => r.samples.steady) };
  const last = runs[runs.length - 1];
  const delivered = sum((r) => r.delivered);
  const dbCpu = runs.every((r) => r.dbCpuMs !== null) ? sum((r) => r.dbCpuMs!) : null;
  return {
    ...last,
    connectMs: max((r) => r.connectMs),
    latency: summarize(samples.all), firstLatency: summarize(samples.first), steadyLatency: summarize(samples.steady),
    writes: sum((r) => r.writes), expected: sum((r) => r.expected), delivered, lost: sum((r) => r.lost),
    cpuMs: sum((r) => r.cpuMs), cpuPer1000: sum((r) => r.cpuMs) / (delivered / 1000),
    writesPerDelivery: sum((r) => r.writesPerDelivery * r.delivered) / delivered,
    dbCpuMs: dbCpu, clientCpuMs: sum((r) => r.clientCpuMs), clientLoopP99: max((r) => r.clientLoopP99),
    machineBusy: sum((r) => r.machineBusy) / runs.length, otherBusy: sum((r) => r.otherBusy) / runs.length,
    rssBeforeMb: runs[0].rssBeforeMb, peakRssMb: max((r) => r.peakRssMb), diverged: max((r) => r.diverged),
    closes: sum((r) => r.closes), samples,
  };
}

type DbMeter = Awaited<ReturnType<typeof databaseCpuMeter>>;

async function runLoad(
  ctx: BenchContext, workers: ClientWorkers, server: ServerChild, rooms: string[], headersOf: (i: number) => Record<string, string>,
  o: { docs: number; seconds: number; db?: DbMeter } = { docs: DOCS, seconds: SECONDS },
): Promise<LoadResult> {
  const total = o.docs * CLIENTS;
  const period = 1000 / RATE;
  const specs: ClientSpec[] = [];
  for (let d = 0; d < o.docs; d++) {
    for (let k = 0; k < CLIENTS; k++) {
      const index = d * CLIENTS + k;
      // Phases spread each document's clients evenly over the period (no bursts per document).
      specs.push({ index, doc: d, room: rooms[d], urls: [server.url], headers: headersOf(index), phase: ((k * o.docs + d) / total) * period });
    }
  }
  const docOf = new Int32Array(total).map((_, i) => specs[i].doc);
  const rss = rssSampler(server.pid);
  const rssBeforeMb = server.sample().rssMb;
  try {
    const t0 = performance.now();
    await workers.all((w) => ({ type: 'open', clients: specs.filter((s) => s.index % CLIENTS % WORKERS === w) }));
    const connectMs = performance.now() - t0;
    await sleep(QUIET_MS);

    const { cpuMs: cpu0, writes: writes0 } = server.sample();
    const clientCpu0 = workers.cpuMs();
    const machine0 = machineBusyMs();
    const db0 = await o.db?.start();
    const startAt = nowMs() + 300;
    const edits = workers.all<Writes>(() => ({ type: 'edit', startAt, seconds: o.seconds, rate: RATE, loopDelay: true }));
    await sleep(startAt + o.seconds * 1000 + CPU_TAIL_MS - nowMs());
    const { cpuMs: cpu1, writes: writes1 } = server.sample();
    const cpuMs = cpu1 - cpu0;
    const clientCpuMs = workers.cpuMs() - clientCpu0;
    const machineMs = machineBusyMs() - machine0;
    const dbCpuMs = db0 ? await o.db!.since(db0) : null;
    const windowMs = o.seconds * 1000 + CPU_TAIL_MS + 300;
    const writesByWorker = await edits;

    const writeAt = new Map<number, number>();
    const firstEdit = new Set<number>();
    for (const w of writesByWorker) {
      w.key.forEach((k, i) => writeAt.set(k, w.t[i]));
      for (let i = 0; i < w.clients; i++) firstEdit.add(w.key[i]);
    }
    const writes = writeAt.size;
    const expected = writes * (CLIENTS - 1);
    const latencies: number[] = [];
    const bySecond: number[][] = Array.from({ length: o.seconds + 1 }, () => []);
    const firstLatencies: number[] = [];
    const deadline = startAt + o.seconds * 1000 + SETTLE_MS;
    for (;;) {
      for (const got of await workers.all<Observed>(() => ({ type: 'collect' }))) {
        for (let i = 0; i < got.key.length; i++) {
          const at = writeAt.get(got.key[i]);
          if (at === undefined) continue;
          latencies.push(got.t[i] - at);
          bySecond[Math.min(o.seconds, Math.max(0, Math.floor((at - startAt) / 1000)))].push(got.t[i] - at);
          if (firstEdit.has(got.key[i])) firstLatencies.push(got.t[i] - at);
        }
      }
      if (latencies.length >= expected || nowMs() > deadline) break;
      await sleep(100);
    }
    const peakRssMb = rss.stop();
    ctx.log(`p99 by second of editing: ${bySecond.map((l) => (l.length ? summarize(l).p99.toFixed(0) : '-')).join(' ')} ms`);

    const finals = (await workers.all<FinalState[]>(() => ({ type: 'final' }))).flat();
    const probes = await workers.request<Probe[]>(0, { type: 'probe', url: server.url, rooms: rooms.slice(0, o.docs), headers: headersOf(0) });
    const byDoc = Array.from({ length: o.docs }, (_, d) => new Set<string>([probes[d].hash]));
    for (const f of finals) byDoc[docOf[f.index]].add(f.hash);
    const digests = byDoc.map((s) => (s.size === 1 ? [...s][0] : null));
    const delivered = latencies.length;
    return {
      connectMs, latency: summarize(latencies), firstLatency: summarize(firstLatencies),
      steadyLatency: summarize(bySecond.slice(STEADY_AFTER_S).flat()), writes, expected, delivered, lost: expected - delivered, cpuMs, clientCpuMs, dbCpuMs,
      clientLoopP99: Math.max(...writesByWorker.map((w) => w.loopP99!)),
      machineBusy: machineMs / (windowMs * os.cpus().length), otherBusy: Math.max(0, machineMs - cpuMs - clientCpuMs - (dbCpuMs ?? 0)) / (windowMs * os.cpus().length),
      cpuPer1000: cpuMs / (delivered / 1000), writesPerDelivery: (writes1 - writes0) / delivered, rssBeforeMb, peakRssMb, diverged: digests.filter((d) => d === null).length,
      closes: finals.reduce((n, f) => n + f.closes, 0), digests,
      samples: { all: latencies, first: firstLatencies, steady: bySecond.slice(STEADY_AFTER_S).flat() },
    };
  } finally {
    rss.stop();
    await workers.all(() => ({ type: 'close' }));
  }
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const summaryLine = (r: LoadResult) => `p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, `
  + `${r.delivered}/${r.expected} delivered, server ${r.cpuMs} CPU ms (${r.cpuPer1000.toFixed(1)}/1000), clients ${r.clientCpuMs} CPU ms `
  + `(loop p99 ${r.clientLoopP99.toFixed(1)} ms), machine ${pct(r.machineBusy)} busy, ${pct(r.otherBusy)} by other processes`;

const OUT_OF_BAND = 'Writer notes CLOCK_MONOTONIC just before inserting; each other client notes when that character\'s Yjs id '
  + 'is integrated. Server in its own process, clients in 2 worker processes (each document split across both); 2 cores shared by all.';
const CPU_NOTE = 'Server process utime+stime (/proc/<pid>/stat) from the first edit to 2 s after the last, divided by the '
  + 'deliveries the clients observed. The app also authenticates, checks authorship, stores every update and compacts; the reference keeps documents in memory only.';
const WRITES_NOTE = 'syscw of /proc/<pid>/io over the CPU window: each WebSocket frame sent is one; so is each database round trip.';
const DIVERGED_NOTE = 'Documents whose final XML differs between its clients or from a fresh client joining at the end (the server\'s copy).';
const MACHINE_NOTE = '/proc/stat over the CPU window: everything running on the machine (the server, the client workers, the database, '
  + 'and other tenants). "Outside this run" is what is left after the server, the workers and (local PostgreSQL) the app\'s database backends.';
const FIRST_NOTE = 'The app checks a Yjs client id it has not seen against the database (draft_client_ids) before applying the first '
  + 'update written under it, and holds that connection\'s later messages meanwhile; all clients start typing within one period.';
const STORED_NOTE = 'After the clients left and the server stopped (SIGTERM flushes), each draft read back from the database (snapshot + log) and compared with its clients.';

export default {
  name: 'collab load',
  timeoutMs: 420_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    const database = await prepareDatabase();
    const workers = new ClientWorkers();
    const servers: ServerChild[] = [];
    try {
      const { db, close } = await database.open();
      const all = await createBenchDrafts(db, DOCS + WARMUP.docs, (i) => [`第${i + 1}号联合提案：关于成渝氢走廊建设的建议`]);
      await close();
      const ids = all.ids.slice(0, DOCS);
      const warmIds = all.ids.slice(DOCS);
      await workers.start(WORKERS);

      // Both servers run side by side: each gets an unreported warm-up on other documents (JIT of server
      // and clients), then they take turns, ROUNDS measured runs each, so a slow minute of this shared
      // machine falls on both. The reference is first seeded with the same initial states.
      const ref = await spawnReferenceServer();
      servers.push(ref);
      const refRoom = (id: string) => `ref/${id}`;
      const refHeaders = () => ({ origin: ref.url });
      await workers.request(0, { type: 'seed', url: ref.url, rooms: all.ids.map(refRoom), seeds: all.seeds, headers: refHeaders() });
      await runLoad(ctx, workers, ref, warmIds.map(refRoom), refHeaders, WARMUP);

      const app = await withBuildReadLock(() => spawnAppServer(database.env));
      servers.push(app);
      // A few sessions of the drafts' two editors (one login each: argon2), shared like browser tabs.
      const cookies = await Promise.all([BENCH_AUTHOR, BENCH_EDITOR, BENCH_AUTHOR, BENCH_EDITOR].map((u) => login(app.url, u, database.demoPassword)));
      const appHeaders = (i: number) => ({ origin: app.url, cookie: cookies[i % cookies.length] });
      await runLoad(ctx, workers, app, warmIds, appHeaders, WARMUP);
      const dbMeter = await databaseCpuMeter(database);

      const refRuns: LoadResult[] = [];
      const appRuns: LoadResult[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        refRuns.push(await runLoad(ctx, workers, ref, ids.map(refRoom), refHeaders));
        ctx.log(`round ${round} reference: ${summaryLine(refRuns[refRuns.length - 1])}`);
        await sleep(QUIET_MS);
        appRuns.push(await runLoad(ctx, workers, app, ids, appHeaders, { docs: DOCS, seconds: SECONDS, db: dbMeter }));
        ctx.log(`round ${round} app: ${summaryLine(appRuns[appRuns.length - 1])}`);
        await sleep(QUIET_MS); // the app stores and unloads the documents its clients left
      }
      await dbMeter?.close();
      await ref.stop();
      const reference = combine(refRuns);
      const ours = combine(appRuns);
      const appPid = app.pid;
      await app.stop();
      ctx.log(`app server ${appPid} stopped; reading the stored drafts`);

      const reopened = await database.open();
      const stored = await readStoredDocs(reopened.db, ids);
      await reopened.close();
      const storedDiffers = ids.filter((id, d) => docDigest(stored.get(id)!).hash !== ours.digests[d]).length;

      const c = `${DOCS} docs × ${CLIENTS} clients × ${RATE} edits/s × ${SECONDS} s, ${ROUNDS} rounds`;
      const rows: Row[] = [
        { case: c, metric: `connect and sync ${DOCS * CLIENTS} clients`, unit: 'ms', value: ours.connectMs, reference: reference.connectMs },
        { case: c, metric: 'p50 delivery latency', unit: 'ms', value: ours.latency.p50, reference: reference.latency.p50, note: OUT_OF_BAND },
        { case: c, metric: 'p99 delivery latency', unit: 'ms', value: ours.latency.p99, reference: reference.latency.p99, target: '≤ 50 ms', met: ours.latency.p99 <= 50, note: OUT_OF_BAND },
        { case: c, metric: 'max delivery latency', unit: 'ms', value: ours.latency.max, reference: reference.latency.max, note: OUT_OF_BAND },
        { case: c, metric: 'p99 delivery latency, each client\'s first edit', unit: 'ms', value: ours.firstLatency.p99, reference: reference.firstLatency.p99, note: FIRST_NOTE },
        { case: c, metric: `p99 delivery latency, edits after the first ${STEADY_AFTER_S} s`, unit: 'ms', value: ours.steadyLatency.p99, reference: reference.steadyLatency.p99, note: FIRST_NOTE },
        { case: c, metric: 'lost updates (of expected deliveries)', value: `${ours.lost}/${ours.expected}`, reference: `${reference.lost}/${reference.expected}`, target: '0', met: ours.lost === 0 },
        { case: c, metric: 'diverged documents', value: ours.diverged, reference: reference.diverged, target: '0', met: ours.diverged === 0, note: DIVERGED_NOTE },
        { case: c, metric: 'stored documents differing from clients', value: storedDiffers, target: '0', met: storedDiffers === 0, note: STORED_NOTE },
        { case: c, metric: 'server CPU per 1000 delivered updates', unit: 'ms', value: ours.cpuPer1000, reference: reference.cpuPer1000, target: '≤ 1.0× reference', met: ours.cpuPer1000 <= reference.cpuPer1000, note: CPU_NOTE },
        { case: c, metric: 'server write system calls per delivered update', value: ours.writesPerDelivery, reference: reference.writesPerDelivery, note: WRITES_NOTE },
        { case: c, metric: 'server CPU over the run', unit: 'ms', value: ours.cpuMs, reference: reference.cpuMs, note: databaseNote(database.backend) },
        ...(ours.dbCpuMs === null ? [] : [
          { case: c, metric: 'PostgreSQL backends CPU over the run', unit: 'ms', value: ours.dbCpuMs },
          { case: c, metric: 'server + PostgreSQL CPU per 1000 delivered updates', unit: 'ms', value: (ours.cpuMs + ours.dbCpuMs) / (ours.delivered / 1000), reference: reference.cpuPer1000 },
        ]),
        { case: c, metric: 'server peak RSS', unit: 'MB', value: ours.peakRssMb, reference: reference.peakRssMb, note: databaseNote(database.backend) },
        { case: c, metric: 'server RSS growth (peak − before clients)', unit: 'MB', value: ours.peakRssMb - ours.rssBeforeMb, reference: reference.peakRssMb - reference.rssBeforeMb },
        { case: c, metric: 'client connections closed by the server', value: ours.closes, reference: reference.closes },
        { case: c, metric: 'client workers CPU over the run', unit: 'ms', value: ours.clientCpuMs, reference: reference.clientCpuMs },
        { case: c, metric: 'p99 event-loop delay in the client workers', unit: 'ms', value: ours.clientLoopP99, reference: reference.clientLoopP99 },
        {
          case: c, metric: 'machine busy: all processes / outside this run', value: `${pct(ours.machineBusy)} / ${pct(ours.otherBusy)}`,
          reference: `${pct(reference.machineBusy)} / ${pct(reference.otherBusy)}`, note: MACHINE_NOTE,
        },
      ];
      return rows;
    } finally {
      workers.stop();
      for (const s of servers) await s.stop(5000);
      await database.drop();
    }
  },
} satisfies Benchmark;
