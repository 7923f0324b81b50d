/**
 * Helpers shared by benchmark modules (see run.ts for the module interface). Nothing here asserts:
 * benchmarks measure and report, tests decide correctness.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execSync, spawn } from 'node:child_process';

export const root = path.resolve(import.meta.dirname, '../..');
/** Builders into build/ hold this lock exclusively (`flock /tmp/cppcc-build.lock npx remix vite:build`). */
const BUILD_LOCK = '/tmp/cppcc-build.lock';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A positive integer from the environment (a bench's size knob), else the default. */
export function envInt(name: string, fallback: number): number {
  const v = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * The real server runs the production build: build it if missing or older than the sources, like
 * tests/setup/global.ts (same lock, so parallel builds never interleave). Output goes to stderr:
 * stdout carries only the results table.
 */
export function ensureBuild(log: (line: string) => void = () => undefined) {
  const built = path.join(root, 'build/server/index.js');
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = path.join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const sources = Math.max(...['app', 'shared', 'server', 'db'].map((d) => newest(path.join(root, d))));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return;
  log('building the production bundle (build/ missing or stale)');
  execSync(`flock ${BUILD_LOCK} npx remix vite:build`, {
    cwd: root, stdio: ['ignore', process.stderr, process.stderr], env: { ...process.env, NODE_ENV: 'production' },
  });
}

/**
 * Runs `fn` (e.g. starting a server, which imports build/server/index.js) while holding the build
 * lock shared: a parallel build empties build/ first and would otherwise pull it away mid-import.
 * The lock lives in a `flock` child; closing its stdin (or this process dying) releases it.
 */
export async function withBuildReadLock<T>(fn: () => Promise<T>): Promise<T> {
  const holder = spawn('flock', ['-s', '-o', BUILD_LOCK, '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`flock on ${BUILD_LOCK} exited (${code})`)));
  });
  try {
    return await fn();
  } finally {
    holder.stdin.end();
    await exited;
  }
}

/** Nearest-rank percentile of ascending values (p in 0..100); NaN when empty. */
function atRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Nearest-rank percentile of unsorted values (p in 0..100); NaN when empty. */
export function percentile(values: ArrayLike<number>, p: number): number {
  return atRank(Float64Array.from(values).sort(), p);
}

export interface LatencySummary { count: number; p50: number; p99: number; max: number }

export function summarize(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: atRank(sorted, 50), p99: atRank(sorted, 99), max: atRank(sorted, 100) };
}

/** Runs `task(i)` for i in 0..count-1, at most `concurrency` at a time (connection storms distort what follows). */
export async function inBatches<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/** Polls until `check()` or the time is up; says which. */
export async function waitFor(check: () => boolean, ms: number, every = 10): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await sleep(every);
  }
  return true;
}

/**
 * CPU time and peak resident memory of THIS process over a span (sampled every `everyMs`).
 * For a server in a child process, sample that process instead (e.g. /proc/<pid>/stat).
 */
export function measureProcess(everyMs = 50) {
  const cpu0 = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const cpu = process.cpuUsage(cpu0);
      return { cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRss / 1024 / 1024 };
    },
  };
}
