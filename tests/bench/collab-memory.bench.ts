/**
 * Memory after many documents (issue 4): 200 drafts opened and closed on the app server (a child
 * process): one client each connects, syncs, types a paragraph and leaves, all 200 open at the peak.
 * The server process's resident memory (/proc/<pid>/status VmRSS) before, at the peak (sampled) and
 * after the documents unloaded (settled, then two full GCs: the servers run with --expose-gc and a
 * preloaded SIGUSR2 → gc() hook; no server code changes). The reference y-websocket server gets the
 * same clients on the same documents: without persistence it never unloads a document, by design.
 *
 * Knobs: BENCH_COLLAB_MEMORY_DOCS (200), BENCH_DATABASE_URL (PostgreSQL; default: embedded PGlite).
 */
import * as Y from 'yjs';
import type { Benchmark, BenchContext, Row } from './run';
import { envInt, ensureBuild, inBatches, sleep, withBuildReadLock } from './support';
import {
  BENCH_AUTHOR, BENCH_EDITOR, createBenchDrafts, databaseNote, forceGc, login, openBenchClient, prepareDatabase, rssSampler,
  spawnAppServer, spawnReferenceServer, waitIdle, type BenchClient, type ServerChild,
} from './collab-support';

const DOCS = envInt('BENCH_COLLAB_MEMORY_DOCS', 200);
const WARMUP_DOCS = 5;
const CONNECT_CONCURRENCY = 25;
const PARAGRAPHS = ['案由：成渝地区双城经济圈氢能产业协同发展', '现状与问题：加氢站布局分散，跨省市标准不一', '建议：统一规划氢走廊，联合申报示范城市群'];

interface MemoryResult { startMb: number; peakMb: number; afterMb: number; settleMs: number }

/** One client per document: connect, sync (bringing the seed where the server has none), type, all open, then all leave. */
async function openAndClose(server: ServerChild, rooms: string[], seeds: Uint8Array[], headers: (i: number) => Record<string, string>) {
  const clients: BenchClient[] = [];
  try {
    await inBatches(rooms.length, CONNECT_CONCURRENCY, async (i) => {
      const c = openBenchClient(server.url, rooms[i], headers(i));
      clients.push(c);
      await c.synced;
      const fragment = c.doc.getXmlFragment('default');
      if (fragment.length === 0) Y.applyUpdate(c.doc, seeds[i]); // the reference starts empty
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`第${i + 1}份草稿补充意见：建议两地政协联合开展专题调研。`)]);
      fragment.push([p]);
    });
    await sleep(500); // the edits reach the server (and its 150 ms flush)
  } finally {
    for (const c of clients) c.destroy();
  }
}

async function measure(ctx: BenchContext, server: ServerChild, rooms: string[], seeds: Uint8Array[], headers: (i: number) => Record<string, string>): Promise<MemoryResult> {
  // Warm-up on other documents: code paths, pools and caches exist before the baseline.
  await openAndClose(server, rooms.slice(DOCS), seeds.slice(DOCS), (i) => headers(DOCS + i));
  await waitIdle(server.pid, 1000, 30_000);
  await forceGc(server);
  const startMb = server.sample().rssMb;
  const rss = rssSampler(server.pid, 50);
  await openAndClose(server, rooms.slice(0, DOCS), seeds, headers);
  const t0 = performance.now();
  await waitIdle(server.pid, 1000, 60_000); // unloads: flush, text, compaction
  const settleMs = performance.now() - t0;
  const peakMb = rss.stop();
  await forceGc(server);
  await sleep(1000);
  await forceGc(server);
  const afterMb = server.sample().rssMb;
  ctx.log(`RSS ${startMb.toFixed(0)} → peak ${peakMb.toFixed(0)} → ${afterMb.toFixed(0)} MB (settled in ${settleMs.toFixed(0)} ms)`);
  return { startMb, peakMb, afterMb, settleMs };
}

export default {
  name: 'collab memory',
  timeoutMs: 240_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    const database = await prepareDatabase();
    const servers: ServerChild[] = [];
    try {
      const { db, close } = await database.open();
      const { ids, seeds } = await createBenchDrafts(db, DOCS + WARMUP_DOCS, () => PARAGRAPHS);
      await close();

      const ref = await spawnReferenceServer({ gcHook: true });
      servers.push(ref);
      const reference = await measure(ctx, ref, ids.map((id) => `ref/${id}`), seeds, () => ({ origin: ref.url }));
      await ref.stop();

      const app = await withBuildReadLock(() => spawnAppServer(database.env, { gcHook: true }));
      servers.push(app);
      const cookies = await Promise.all([BENCH_AUTHOR, BENCH_EDITOR].map((u) => login(app.url, u, database.demoPassword)));
      const ours = await measure(ctx, app, ids, seeds, (i) => ({ origin: app.url, cookie: cookies[i % cookies.length] }));
      await app.stop();

      const c = `${DOCS} documents opened and closed (1 client each, ${CONNECT_CONCURRENCY} connecting at a time)`;
      const ratio = ours.afterMb / ours.startMb;
      const GC = 'Server process VmRSS; baseline and "after" are taken after two forced full GCs (--expose-gc, SIGUSR2 hook preloaded with --import), after a warm-up on 5 other documents.';
      const rows: Row[] = [
        { case: c, metric: 'server RSS before', unit: 'MB', value: ours.startMb, reference: reference.startMb, note: GC },
        { case: c, metric: 'server RSS at the peak', unit: 'MB', value: ours.peakMb, reference: reference.peakMb, note: databaseNote(database.backend) },
        {
          case: c, metric: 'server RSS after (all unloaded, GC)', unit: 'MB', value: ours.afterMb, reference: reference.afterMb,
          note: 'The reference server (no persistence) keeps every document in memory forever: its "after" includes all 200.',
        },
        { case: c, metric: 'after / before', value: `${ratio.toFixed(2)}×`, reference: `${(reference.afterMb / reference.startMb).toFixed(2)}×`, target: '≤ 1.20×', met: ratio <= 1.2 },
        { case: c, metric: 'time for the server to go idle after the last client left', unit: 'ms', value: ours.settleMs, reference: reference.settleMs },
      ];
      return rows;
    } finally {
      for (const s of servers) await s.stop(5000);
      await database.drop();
    }
  },
} satisfies Benchmark;
