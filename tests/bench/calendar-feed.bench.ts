/**
 * Calendar feed (issue 14): one user's iCalendar feed with 2,000 readable events (a tenth of them
 * weekly, some with a cancelled occurrence), fetched by 50 connections at once, each asking again as
 * soon as it has its answer, on the real server (production build, demo data; PostgreSQL when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set, else PGlite), with gzip as calendar apps ask. The
 * reference is the floor: the same bytes served from memory by a bare node:http server, with the same
 * load, in the same run.
 *
 * Knobs: BENCH_FEED_EVENTS (2000), BENCH_FEED_CONNECTIONS (50), BENCH_FEED_REQUESTS (1000).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer, TEST_SESSION_SECRET } from '../support/server';
import { asOwner } from '../support/db';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import { regenerateFeed } from '../../server/services/calendar-feed';
import { beijingInstant, addDays, beijingDay } from '../../shared/domain/calendar';
import type { Benchmark, BenchContext, Row } from './run';
import { ensureBuild, envInt, inBatches, summarize, withBuildReadLock, type LatencySummary } from './support';

const EVENTS = envInt('BENCH_FEED_EVENTS', 2000);
const CONNECTIONS = envInt('BENCH_FEED_CONNECTIONS', 50);
const REQUESTS = envInt('BENCH_FEED_REQUESTS', 1000);
const WARMUP = 20;

function get(agent: http.Agent, url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http.get(url, { agent, headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => resolve({ ms: performance.now() - started, bytes, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function load(url: string, ctx: BenchContext, label: string): Promise<{ latency: LatencySummary; bytes: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    const warm: number[] = [];
    for (let i = 0; i < WARMUP; i++) warm.push((await get(agent, url)).ms);
    ctx.log(`${label}: one at a time, p50 ${summarize(warm).p50.toFixed(1)} ms`);
    const results = await inBatches(REQUESTS, CONNECTIONS, () => get(agent, url));
    const failed = results.filter((r) => r.status !== 200).length;
    if (failed > 0) throw new Error(`${label}: ${failed} of ${REQUESTS} requests failed`);
    const latency = summarize(results.map((r) => r.ms));
    ctx.log(`${label}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, ${results[0].bytes} bytes`);
    return { latency, bytes: results[0].bytes };
  } finally {
    agent.destroy();
  }
}

export default {
  name: 'calendar feed',
  timeoutMs: 600_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    const server = await withBuildReadLock(() => startTestServer({ RATE_LIMITS: 'false', LOG_LEVEL: 'warn' }));
    try {
      const db = server.database.db;
      const chuanyu = await workspaceId(db, SEED.workspaces.chuanyu);
      const author = await actorOf(db, 'cq-coordinator');
      const today = beijingDay(Date.now());
      await asOwner(db, async (trx) => {
        for (let start = 0; start < EVENTS; start += 500) {
          const rows = Array.from({ length: Math.min(500, EVENTS - start) }, (_, k) => {
            const i = start + k;
            const day = addDays(today, (i % 365) - 180);
            return {
              workspace_id: chuanyu, owner_org_id: author.orgId, owner_region: author.region, visibility: 'joint' as const,
              author_id: author.id, kind: 'meeting' as const, title: `川渝联合协商会议（第${i + 1}次）`, place: '重庆市政协机关会议中心',
              description: '围绕成渝地区双城经济圈建设开展联合协商，请各位委员准时参加。',
              starts_at: beijingInstant(day, '09:30'), ends_at: beijingInstant(day, '11:30'),
              rrule: i % 10 === 0 ? 'FREQ=WEEKLY' : null,
            };
          });
          const ids = await trx.insertInto('events').values(rows).returning(['id', 'starts_at', 'rrule']).execute();
          const recurring = ids.filter((r) => r.rrule);
          if (recurring.length > 0) {
            await trx.insertInto('event_exceptions').values(recurring.map((r) => ({
              event_id: r.id, occurrence_start: new Date(r.starts_at.getTime() + 7 * 86_400_000), cancelled: true, starts_at: null, ends_at: null,
            }))).execute();
          }
        }
      });
      const token = await regenerateFeed(db, await actorOf(db, 'cq-member'), TEST_SESSION_SECRET);
      const app = await load(`${server.url}/calendar/${token}.ics`, ctx, 'app');

      // The floor: the very same bytes from memory (gzip, as calendar apps ask for it).
      const body = await new Promise<Buffer>((resolve, reject) => {
        http.get(`${server.url}/calendar/${token}.ics`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject);
      });
      const bare = http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Encoding': 'gzip' });
        res.end(body);
      });
      await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
      let reference: { latency: LatencySummary; bytes: number };
      try {
        reference = await load(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`, ctx, 'reference');
      } finally {
        await new Promise<void>((resolve) => bare.close(() => resolve()));
      }
      const size = `${EVENTS} events (${Math.round(app.bytes / 1024)} KB gzip), ${CONNECTIONS} connections, ${REQUESTS} requests`;
      const rows: Row[] = [
        {
          case: size, metric: 'feed p99 latency', unit: 'ms', value: round(app.latency.p99), reference: round(reference.latency.p99),
          target: '≤ 100 ms', met: app.latency.p99 <= 100,
          note: 'Reference: the same bytes served from memory by a bare node:http server (no token, no database, no rendering). '
            + 'A feed unchanged since its last fetch is served from the per-process cache of rendered feeds; what remains per request '
            + 'is the token lookup, the reader\'s memberships and the cache key (one transaction), and Remix. With 50 clients asking '
            + 'back to back on the same two cores, even the floor\'s p99 is far above 100 ms here.',
        },
        { case: size, metric: 'feed p50 latency', unit: 'ms', value: round(app.latency.p50), reference: round(reference.latency.p50) },
      ];
      return rows;
    } finally {
      await server.stop();
    }
  },
} satisfies Benchmark;

const round = (v: number) => Math.round(v * 10) / 10;
