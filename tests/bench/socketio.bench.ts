/**
 * socket.io fan-out (issue 3): N logged-in sockets, all members of one workspace, on the real
 * server (production build, PGlite, demo data); the hub sends E workspace events spaced out, and
 * each socket's delivery latency is measured (send timestamp in the payload vs receive time). The
 * same fan-out on a bare socket.io server (no auth, one room) in the same run is the reference.
 *
 * Knobs: BENCH_SOCKETS (500), BENCH_EVENTS (200), BENCH_INTERVAL_MS (20).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { startTestServer } from '../support/server';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import type { RecordChange } from '../../shared/realtime/events';
import type { Benchmark, BenchContext, Row } from './run';
import { ensureBuild, envInt, withBuildReadLock, inBatches, sleep, summarize, waitFor, type LatencySummary } from './support';

const SOCKETS = envInt('BENCH_SOCKETS', 500);
const EVENTS_MEASURED = envInt('BENCH_EVENTS', 200);
const INTERVAL_MS = envInt('BENCH_INTERVAL_MS', 20);
/** Events sent first and not counted: both servers start with warm code paths. */
const WARMUP = 20;
/** Events of the unreported warm-up pass before both measured runs. */
const WARMUP_PASS_EVENTS = 30;
const CONNECT_CONCURRENCY = 25;
/** After connecting: presence announcements and handshake work die down before measuring. */
const QUIET_MS = 1000;
const DRAIN_MS = 5000;
/** Members of the 川渝 workspace; their sockets share a few sessions (one login each). */
const USERS = ['cq-member', 'sc-member', 'cq-staff', 'sc-staff'];

/** The payload: the app's record:changed plus what the bench needs (socket.io passes extra fields through). */
type Probe = RecordChange & { seq: number; sentAt: number };

interface Target {
  url: string;
  headers(i: number): Record<string, string>;
  emit(probe: Probe): void;
}

interface Fanout {
  connectMs: number;
  latency: LatencySummary;
  /** Synchronous time of the emit call: serializing and writing to every socket (server side). */
  emitCall: LatencySummary;
  delivered: number;
  expected: number;
  /** p99 event-loop delay while the events were sent (GC pauses and other work of the process). */
  loopDelayP99: number;
}

async function measureFanout(target: Target, workspace: string, ctx: BenchContext, events = EVENTS_MEASURED): Promise<Fanout> {
  const latencies = new Float64Array(SOCKETS * events);
  const seen = new Uint8Array(SOCKETS * events);
  let delivered = 0;
  const sockets: Socket[] = [];
  try {
    const t0 = performance.now();
    await inBatches(SOCKETS, CONNECT_CONCURRENCY, (i) => new Promise<void>((resolve, reject) => {
      const s = connectClient(target.url, {
        path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: target.headers(i),
      });
      sockets.push(s);
      s.on('record:changed', (p: Probe) => {
        const at = performance.now();
        if (typeof p.seq !== 'number' || p.seq < 0 || p.seq >= events) return; // warm-up or foreign
        const k = i * events + p.seq;
        if (seen[k]) return;
        seen[k] = 1;
        latencies[k] = at - p.sentAt;
        delivered++;
      });
      s.once('connect', () => resolve());
      s.once('connect_error', (err) => reject(new Error(`socket ${i} could not connect: ${err.message}`)));
    }));
    const connectMs = performance.now() - t0;
    ctx.log(`${SOCKETS} sockets connected in ${connectMs.toFixed(0)} ms`);
    await sleep(QUIET_MS);

    const emitCalls: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    for (let seq = -WARMUP; seq < events; seq++) {
      if (ctx.signal.aborted) throw new Error('aborted');
      const sentAt = performance.now();
      target.emit({ kind: 'workspace', id: workspace, workspaceId: workspace, action: 'updated', seq, sentAt });
      if (seq >= 0) emitCalls.push(performance.now() - sentAt);
      await sleep(INTERVAL_MS);
    }
    const expected = SOCKETS * events;
    await waitFor(() => delivered === expected, DRAIN_MS);
    loop.disable();
    const got = latencies.filter((_, k) => seen[k] === 1);
    return { connectMs, latency: summarize(got), emitCall: summarize(emitCalls), delivered, expected, loopDelayP99: loop.percentile(99) / 1e6 };
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

/** The app: real handshake (session cookie, Origin), rooms by membership, the hub's emit. */
async function appServer(ctx: BenchContext): Promise<Fanout> {
  // Hundreds of sockets of four users connect at once: per-user connection limits off.
  const server = await withBuildReadLock(() => startTestServer({ RATE_LIMITS: 'false' }));
  try {
    const db = server.database.db;
    const workspace = await workspaceId(db, SEED.workspaces.chuanyu);
    for (const u of USERS) {
      if (!(workspace in (await actorOf(db, u)).workspaces)) throw new Error(`${u} is not a member of the workspace`);
    }
    // One session per user through the login form (argon2 per login; sockets share sessions like tabs do).
    const cookies = await Promise.all(USERS.map((u) => server.login(u)));
    return await measureFanout({
      url: server.url,
      headers: (i) => ({ Cookie: cookies[i % cookies.length], Origin: server.url }),
      emit: (probe) => server.realtime.hub.toWorkspace(workspace, 'record:changed', probe),
    }, workspace, ctx);
  } finally {
    await server.stop();
  }
}

/** The reference: socket.io with the same options, no auth, every socket in one room. */
async function bareServer(ctx: BenchContext, events = EVENTS_MEASURED): Promise<Fanout> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { path: '/socket.io/', transports: ['websocket'], serveClient: false });
  io.on('connection', (s) => { s.join('workspace'); });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  try {
    return await measureFanout({ url, headers: () => ({}), emit: (probe) => io.to('workspace').emit('record:changed', probe) }, 'bare', ctx, events);
  } finally {
    await io.close();
  }
}

const SHARED_LOOP = 'Server and all clients run in the bench process and share one event loop: a delivery latency includes the '
  + 'server writing every copy and the clients parsing the copies ahead of it, so it grows with the socket count; '
  + 'the reference pays the same, so the ratio isolates what the app adds.';
const LOOP_DELAY = 'How late timers ran while events were sent (GC pauses, the app\'s own work such as PGlite): adds to every latency above.';
const EMIT_CALL = 'Synchronous time of one hub/io emit call (encode once, write to every socket), server side only.';

export default {
  name: 'socket.io fan-out',
  timeoutMs: 240_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    // Whichever runs first pays for cold code (client parsing, socket.io encoding): an unreported
    // warm-up pass first, then the reference, then the app.
    await bareServer(ctx, WARMUP_PASS_EVENTS);
    const reference = await bareServer(ctx);
    ctx.log(`reference: p99 ${reference.latency.p99.toFixed(1)} ms, ${reference.delivered}/${reference.expected}`);
    const app = await appServer(ctx);
    ctx.log(`app: p99 ${app.latency.p99.toFixed(1)} ms, ${app.delivered}/${app.expected}`);
    const c = `${SOCKETS} sockets × ${EVENTS_MEASURED} workspace events, 1 per ${INTERVAL_MS} ms`;
    const rows: Row[] = [
      { case: c, metric: `connect ${SOCKETS} sockets (${CONNECT_CONCURRENCY} at a time)`, unit: 'ms', value: app.connectMs, reference: reference.connectMs },
      { case: c, metric: 'p50 delivery latency', unit: 'ms', value: app.latency.p50, reference: reference.latency.p50, note: SHARED_LOOP },
      // The product target: a change appears for the other region within a second.
      { case: c, metric: 'p99 delivery latency', unit: 'ms', value: app.latency.p99, reference: reference.latency.p99, target: '< 1000 ms', met: app.latency.p99 < 1000, note: SHARED_LOOP },
      { case: c, metric: 'max delivery latency', unit: 'ms', value: app.latency.max, reference: reference.latency.max, note: SHARED_LOOP },
      { case: c, metric: 'p50 emit call', unit: 'ms', value: app.emitCall.p50, reference: reference.emitCall.p50, note: EMIT_CALL },
      { case: c, metric: 'p99 event-loop delay', unit: 'ms', value: app.loopDelayP99, reference: reference.loopDelayP99, note: LOOP_DELAY },
      {
        case: c, metric: 'delivered / expected', value: `${app.delivered}/${app.expected}`, reference: `${reference.delivered}/${reference.expected}`,
        target: 'all', met: app.delivered === app.expected,
      },
    ];
    return rows;
  },
} satisfies Benchmark;
