/**
 * Joint inspections (issue 13), on the real server (production build, demo data; PostgreSQL from
 * TEST_DATABASE_URL when set, else PGlite):
 * - Open boards: 50 socket.io clients watching the 乌江 inspection as its page does (`record:watch`,
 *   sessions of the three people on its roster), while a coordinator moves one card 5 times a second
 *   for 20 s through the service (`moveTask`: the compare-and-set, the audit entry, then the hub's
 *   `record:changed`). Measured: from the call starting a move to its `record:changed` arriving on
 *   each board, and whether every board got every move. Reference in the same run: a bare socket.io
 *   server with 50 sockets in one room, emitting at the same rate (no database, no auth).
 * - Photo uploads: `addFindingPhoto` (type check, sharp re-encoding without metadata and a 320 px
 *   thumbnail, two transactions with row-level security, audit) on a 2048×1536 JPEG, two at a time;
 *   reference: the same sharp work alone on the same image, two at a time.
 *
 * Knobs: BENCH_BOARDS (50), BENCH_MOVES_PER_S (5), BENCH_MOVE_SECONDS (20), BENCH_PHOTOS (12).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { startTestServer } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf } from '../factories/demo';
import { DEMO_INSPECTIONS } from '../../db/seed/inspections';
import { createFinding, moveTask } from '../../server/services/inspections';
import { addFindingPhoto } from '../../server/services/inspection-photos';
import { TASK_STATUSES } from '../../shared/domain/inspection';
import type { Benchmark, BenchContext, Row } from './run';
import { ensureBuild, envInt, inBatches, sleep, summarize, waitFor, withBuildReadLock, type LatencySummary } from './support';

const BOARDS = envInt('BENCH_BOARDS', 50);
const MOVES_PER_S = envInt('BENCH_MOVES_PER_S', 5);
const MOVE_SECONDS = envInt('BENCH_MOVE_SECONDS', 20);
const PHOTOS = envInt('BENCH_PHOTOS', 12);
const PHOTO_CONCURRENCY = 2;
const MOVES = MOVES_PER_S * MOVE_SECONDS;
const WARMUP_MOVES = 5;
const DRAIN_MS = 5000;
/** People on the 乌江 roster: boards open in their sessions. */
const ROSTER = ['cq-coordinator', 'cq-member', 'gz-member'];

interface BoardRun { latency: LatencySummary; delivered: number; expected: number; lateOrLost: number }

/**
 * Opens `BOARDS` sockets, then performs `MOVES` moves at the rate; each board's n-th `record:changed`
 * is the n-th move (moves are made one after another and socket.io keeps a socket's order).
 */
async function measureBoards(connect: (i: number) => Socket, watch: (s: Socket) => Promise<void>, move: (n: number) => Promise<void>, ctx: BenchContext): Promise<BoardRun> {
  const startedAt = new Float64Array(WARMUP_MOVES + MOVES);
  const latencies: number[] = [];
  const counts = new Array<number>(BOARDS).fill(0);
  const sockets: Socket[] = [];
  try {
    await inBatches(BOARDS, 10, (i) => new Promise<void>((resolve, reject) => {
      const s = connect(i);
      sockets.push(s);
      s.on('record:changed', () => {
        const at = performance.now();
        const n = counts[i]++;
        if (n >= WARMUP_MOVES && n < WARMUP_MOVES + MOVES) latencies.push(at - startedAt[n]);
      });
      s.once('connect', () => { watch(s).then(resolve, reject); });
      s.once('connect_error', (err) => reject(new Error(`board ${i} could not connect: ${err.message}`)));
    }));
    await sleep(500);
    const interval = 1000 / MOVES_PER_S;
    const t0 = performance.now();
    for (let n = 0; n < WARMUP_MOVES + MOVES; n++) {
      if (ctx.signal.aborted) throw new Error('aborted');
      const due = t0 + n * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      startedAt[n] = performance.now();
      await move(n);
    }
    const expected = BOARDS * (WARMUP_MOVES + MOVES);
    await waitFor(() => counts.reduce((a, b) => a + b, 0) >= expected, DRAIN_MS);
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      latency: summarize(latencies), delivered: latencies.length, expected: BOARDS * MOVES,
      lateOrLost: counts.filter((c) => c !== WARMUP_MOVES + MOVES).length + Math.max(0, total - expected),
    };
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

async function appBoards(ctx: BenchContext) {
  const server = await withBuildReadLock(() => startTestServer({ RATE_LIMITS: 'false' }));
  try {
    const db = server.database.db;
    const inspectionId = (await asOwner(db, (trx) => trx.selectFrom('inspections').select('id').where('title', '=', DEMO_INSPECTIONS.wujiang).executeTakeFirstOrThrow())).id;
    const task = await asOwner(db, (trx) => trx.selectFrom('inspection_tasks').select(['id', 'version', 'status'])
      .where('inspection_id', '=', inspectionId).where('title', '=', '贵州段行程对接').executeTakeFirstOrThrow());
    const mover = await actorOf(db, 'cq-coordinator');
    const cookies = await Promise.all(ROSTER.map((u) => server.login(u)));
    let version = task.version;
    const call = { realtime: server.realtime.hub };
    const boards = await measureBoards(
      (i) => connectClient(server.url, {
        path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true,
        extraHeaders: { Cookie: cookies[i % cookies.length], Origin: server.url },
      }),
      (s) => new Promise<void>((resolve, reject) => {
        s.emit('record:watch', { kind: 'inspection', id: inspectionId }, (r: { ok: boolean }) => (r?.ok ? resolve() : reject(new Error('watch refused'))));
      }),
      async (n) => {
        const status = TASK_STATUSES[(TASK_STATUSES.indexOf(task.status) + n + 1) % TASK_STATUSES.length];
        version = (await moveTask(db, mover, inspectionId, { taskId: task.id, status, version }, call)).version;
      },
      ctx,
    );

    // Photos: findings of the coordinator (at most 6 photos each), uploaded two at a time.
    const image = await testImage();
    const findings: string[] = [];
    for (let n = 0; n < Math.ceil(PHOTOS / 6); n++) {
      findings.push((await createFinding(db, mover, inspectionId, { description: `基准测试问题 ${n + 1}`, place: '武隆港', category: 'facility', severity: 'general', latitude: null, longitude: null, clientKey: null })).findingId);
    }
    const upload = (i: number) => addFindingPhoto(db, mover, inspectionId, findings[Math.floor(i / 6)], { bytes: image, name: `现场${i}.jpg`, type: 'image/jpeg' }, call);
    await upload(0); // warm: sharp's first call loads libvips' codecs
    findings[0] = (await createFinding(db, mover, inspectionId, { description: '基准测试问题 0', place: '武隆港', category: 'facility', severity: 'general', latitude: null, longitude: null, clientKey: null })).findingId;
    const t0 = performance.now();
    await inBatches(PHOTOS, PHOTO_CONCURRENCY, upload);
    const photosPerSecond = PHOTOS / ((performance.now() - t0) / 1000);
    const stored = Number((await asOwner(db, (trx) => trx.selectFrom('inspection_finding_photos').select((eb) => eb.fn.countAll().as('n'))
      .where('finding_id', 'in', findings).executeTakeFirstOrThrow())).n);
    return { boards, photosPerSecond, stored };
  } finally {
    await server.stop();
  }
}

async function bareBoards(ctx: BenchContext): Promise<BoardRun> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { path: '/socket.io/', transports: ['websocket'], serveClient: false });
  io.on('connection', (s) => { s.on('record:watch', (_: unknown, ack: (r: { ok: boolean }) => void) => { void s.join('board'); ack({ ok: true }); }); });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  try {
    return await measureBoards(
      () => connectClient(url, { path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true }),
      (s) => new Promise<void>((resolve) => { s.emit('record:watch', { kind: 'inspection', id: 'x' }, () => resolve()); }),
      async () => { io.to('board').emit('record:changed', { kind: 'inspection', id: 'x', workspaceId: 'w', action: 'updated' }); },
      ctx,
    );
  } finally {
    await io.close();
  }
}

/** A phone-sized photo: 2048×1536 JPEG of noise (hard to compress, as a real scene is). */
function testImage(): Promise<Buffer> {
  return sharp({ create: { width: 2048, height: 1536, channels: 3, background: '#6a8', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 }).toBuffer();
}

/** The reference: sharp alone doing what an upload does to the image (orient, re-encode, thumbnail). */
async function sharpOnly(): Promise<number> {
  const image = await testImage();
  const once = async () => {
    const source = sharp(image, { limitInputPixels: 50_000_000, failOn: 'error' }).rotate();
    await source.clone().jpeg({ quality: 85, mozjpeg: true }).toBuffer();
    await source.clone().resize({ width: 320, height: 320, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
  };
  await once();
  const t0 = performance.now();
  await inBatches(PHOTOS, PHOTO_CONCURRENCY, once);
  return PHOTOS / ((performance.now() - t0) / 1000);
}

const SHARED_LOOP = 'Server, database client and all 50 boards share the bench process\'s event loop (the load average is in the header). '
  + 'The reference emits the same events from a bare socket.io server with no database, so the ratio is what the move itself costs.';

export default {
  name: 'inspections',
  timeoutMs: 180_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    const reference = await bareBoards(ctx);
    ctx.log(`reference boards: p99 ${reference.latency.p99.toFixed(1)} ms, ${reference.delivered}/${reference.expected}`);
    const app = await appBoards(ctx);
    ctx.log(`boards: p99 ${app.boards.latency.p99.toFixed(1)} ms, ${app.boards.delivered}/${app.boards.expected}; photos ${app.photosPerSecond.toFixed(2)}/s`);
    const sharpRate = await sharpOnly();
    const c = `${BOARDS} boards, ${MOVES_PER_S} moves/s for ${MOVE_SECONDS} s`;
    const b = app.boards;
    const p = `${PHOTOS} photos 2048×1536 JPEG, ${PHOTO_CONCURRENCY} at a time`;
    const rows: Row[] = [
      { case: c, metric: 'p50 move → record:changed on a board', unit: 'ms', value: b.latency.p50, reference: reference.latency.p50, note: SHARED_LOOP },
      { case: c, metric: 'p99 move → record:changed on a board', unit: 'ms', value: b.latency.p99, reference: reference.latency.p99, target: '≤ 100 ms', met: b.latency.p99 <= 100, note: SHARED_LOOP },
      { case: c, metric: 'max move → record:changed', unit: 'ms', value: b.latency.max, reference: reference.latency.max },
      {
        case: c, metric: 'moves delivered / expected', value: `${b.delivered}/${b.expected}`, reference: `${reference.delivered}/${reference.expected}`,
        target: 'all, none extra', met: b.delivered === b.expected && b.lateOrLost === 0,
      },
      {
        case: p, metric: 'photo uploads (with thumbnails), service', unit: 'photos/s', value: app.photosPerSecond, reference: sharpRate,
        target: `${PHOTOS} stored`, met: app.stored === PHOTOS,
        note: 'Higher is better. Reference: sharp alone on the same image (orient, re-encode, 320 px thumbnail), same concurrency.',
      },
    ];
    return rows;
  },
} satisfies Benchmark;
