/**
 * Calendar feed (issue 14): one user's iCalendar feed with 2,000 readable events (a tenth of them
 * weekly, some with a cancelled occurrence), fetched by 50 connections at once, each asking again as
 * soon as it has its answer, with gzip as calendar apps ask. The app runs as it is deployed, in a
 * process of its own (`server/main.ts`, production build, demo data; PostgreSQL when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set, else PGlite); the clients run in this process. The
 * reference is the floor: the same bytes served from memory by a bare node:http server in a process
 * of its own, with the same load, in the same run.
 *
 * Knobs: BENCH_FEED_EVENTS (2000), BENCH_FEED_CONNECTIONS (50), BENCH_FEED_REQUESTS (1000).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { asOwner } from '../support/owner';
import { actorOf, SEED, workspaceId } from '../factories/demo';
import { regenerateFeed } from '../../server/services/calendar-feed';
import { beijingInstant, addDays, beijingDay } from '../../shared/domain/calendar';
import type { Benchmark, BenchContext, Row } from './run';
import { ensureBuild, envInt, inBatches, summarize, withBuildReadLock, type LatencySummary } from './support';
import { databaseNote, prepareDatabase, procSample, spawnAppServer, type BenchDatabase } from './collab-support';

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

interface Load {
  latency: LatencySummary;
  bytes: number;
  /** p50 of requests one at a time. */
  alone: number;
  /** The server process's CPU time per request under load. */
  cpuMs: number;
}

/** Loads the server process `pid` at `url`: warm-up one at a time, then CONNECTIONS at once. */
async function load(url: string, pid: number, ctx: BenchContext, label: string): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    const warm: number[] = [];
    for (let i = 0; i < WARMUP; i++) warm.push((await get(agent, url)).ms);
    const alone = summarize(warm).p50;
    ctx.log(`${label}: one at a time, p50 ${alone.toFixed(1)} ms`);
    // Then a round at full concurrency, not measured: the sockets, the database pool and the
    // server's code are warm, as on a server that has been polled for a while.
    await inBatches(CONNECTIONS * 2, CONNECTIONS, () => get(agent, url));
    const cpuBefore = procSample(pid).cpuMs;
    const results = await inBatches(REQUESTS, CONNECTIONS, () => get(agent, url));
    const cpuMs = (procSample(pid).cpuMs - cpuBefore) / REQUESTS;
    const failed = results.filter((r) => r.status !== 200).length;
    if (failed > 0) throw new Error(`${label}: ${failed} of ${REQUESTS} requests failed`);
    const latency = summarize(results.map((r) => r.ms));
    ctx.log(`${label}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, ${cpuMs.toFixed(2)} ms CPU a request, ${results[0].bytes} bytes`);
    return { latency, bytes: results[0].bytes, alone, cpuMs };
  } finally {
    agent.destroy();
  }
}

/** Gives cq-member's workspace EVENTS more events; returns cq-member's feed token. */
async function withCalendar(database: BenchDatabase): Promise<string> {
  const { db, close } = await database.open();
  try {
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
    return await regenerateFeed(db, await actorOf(db, 'cq-member'), database.env.SESSION_SECRET);
  } finally {
    await close();
  }
}

function fetchBody(url: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    http.get(url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
}

/** The floor: `body` (the feed, gzip) from memory by a bare node:http server in a process of its own. */
async function withBareServer<T>(body: Buffer, fn: (url: string, pid: number) => Promise<T>): Promise<T> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'feed-ref-')), 'feed.ics.gz');
  fs.writeFileSync(file, body);
  const script = `const body = require('node:fs').readFileSync(${JSON.stringify(file)});
    require('node:http').createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Encoding': 'gzip' });
      res.end(body);
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`reference server exited (${code})`)));
    });
    return await fn(`http://127.0.0.1:${port}/`, child.pid!);
  } finally {
    child.kill();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

export default {
  name: 'calendar feed',
  timeoutMs: 600_000,
  async run(ctx) {
    ensureBuild(ctx.log);
    const database = await prepareDatabase();
    try {
      const token = await withCalendar(database);
      const server = await withBuildReadLock(() => spawnAppServer({ ...database.env, RATE_LIMITS: 'false' }));
      let app: Load;
      let body: Buffer;
      try {
        const url = `${server.url}/calendar/${token}.ics`;
        app = await load(url, server.pid, ctx, 'app');
        body = await fetchBody(url);
      } finally {
        await server.stop();
      }
      const reference = await withBareServer(body, (url, pid) => load(url, pid, ctx, 'reference'));
      const size = `${EVENTS} events (${Math.round(app.bytes / 1024)} KB gzip), ${CONNECTIONS} connections, ${REQUESTS} requests`;
      const rows: Row[] = [
        {
          case: size, metric: 'feed p99 latency', unit: 'ms', value: round(app.latency.p99), reference: round(reference.latency.p99),
          target: '≤ 100 ms', met: app.latency.p99 <= 100,
          note: 'Reference: the same bytes served from memory by a bare node:http server in its own process (no token, no database). '
            + 'A feed unchanged since its last fetch is served from the per-process cache of rendered feeds: what remains per request '
            + 'is one statement (app_feed_state: owner, memberships, the cache key) and writing the kept bytes. '
            + `The clients share this machine's cores with the server and the database. ${databaseNote(database.backend)}`,
        },
        { case: size, metric: 'feed p50 latency', unit: 'ms', value: round(app.latency.p50), reference: round(reference.latency.p50) },
        { case: size, metric: 'one request at a time, p50', unit: 'ms', value: round(app.alone), reference: round(reference.alone) },
        { case: size, metric: 'server CPU per request under load', unit: 'ms', value: round(app.cpuMs, 100), reference: round(reference.cpuMs, 100) },
      ];
      return rows;
    } finally {
      await database.drop();
    }
  },
} satisfies Benchmark;

const round = (v: number, by = 10) => Math.round(v * by) / by;
