/**
 * `npm run bench [-- filter...]`: runs every benchmark module in tests/bench/*.bench.ts (or those
 * whose file or name contains a filter), each in a child process of its own so one bench's sockets,
 * memory and JIT state never colour the next, then prints ONE markdown table on stdout (progress
 * and build output go to stderr; nothing is written to disk). Speed is measured here, never
 * asserted in tests.
 *
 * A benchmark module:
 *
 *   import type { Benchmark } from './run';
 *   export default {
 *     name: 'socket.io fan-out',
 *     timeoutMs: 120_000,                        // optional hard limit (default BENCH_TIMEOUT_S, 300 s)
 *     async run({ log, signal }) {               // both optional to use
 *       ...                                      // bounded by itself: fixed counts/durations, loopback only
 *       return [{ case: '500 sockets', metric: 'p99 delivery latency', unit: 'ms', value: 12.3,
 *                 reference: 8.1, target: '≤ 1000 ms', met: true, note: 'clients share the event loop' }];
 *     },
 *   } satisfies Benchmark;
 *
 * (Named exports `name`, `run` and `timeoutMs` work too.) Row fields:
 * - case: what was run (sizes, rates); metric: what was measured; unit: printed after numbers.
 * - value: the measurement (number, or text such as "100000/100000").
 * - reference: the same metric measured on the reference implementation IN THE SAME RUN; the
 *   runner prints value/reference as the ratio (lower is better for costs and latencies).
 * - target / met: the issue's target as text and whether it was met (the bench decides).
 * - note: printed as a numbered footnote under the table.
 * A module that throws or overruns its time limit gets an error row; the exit code is then 1.
 * Import only types from this file: importing values would start a run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Row {
  case: string;
  metric: string;
  unit?: string;
  value: number | string;
  reference?: number | string;
  target?: string;
  met?: boolean;
  note?: string;
}

export interface BenchContext {
  /** Progress line to stderr, prefixed with the bench's name. */
  log(line: string): void;
  /** Aborted when the runner's time limit is near: stop and clean up. */
  signal: AbortSignal;
}

export interface Benchmark {
  name: string;
  timeoutMs?: number;
  run(ctx: BenchContext): Promise<Row[]>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_TIMEOUT_MS = (Number(process.env.BENCH_TIMEOUT_S) || 300) * 1000;
/** Time between asking a bench to stop (abort signal) and killing its process. */
const GRACE_MS = 10_000;

type Outcome = { name: string; rows: Row[]; error?: string };
type ChildMessage = { type: 'result'; name: string; rows: Row[] } | { type: 'error'; name: string; error: string } | { type: 'meta'; name: string; timeoutMs: number };

async function loadModule(file: string): Promise<Benchmark> {
  const mod = await import(pathToFileURL(file).href);
  const b = (mod.default && typeof mod.default.run === 'function' ? mod.default : mod) as Partial<Benchmark>;
  if (typeof b.run !== 'function' || typeof b.name !== 'string') {
    throw new Error(`${path.basename(file)} exports no { name, run }`);
  }
  return b as Benchmark;
}

/** In the child: run one module and send its rows to the parent. */
async function runChild(file: string) {
  const send = (m: ChildMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
  let name = path.basename(file, '.bench.ts');
  try {
    const bench = await loadModule(file);
    name = bench.name;
    const timeoutMs = bench.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    await send({ type: 'meta', name, timeoutMs });
    const controller = new AbortController();
    process.on('SIGTERM', () => controller.abort());
    const rows = await bench.run({ log: (line) => process.stderr.write(`[${name}] ${line}\n`), signal: controller.signal });
    await send({ type: 'result', name, rows });
  } catch (err) {
    await send({ type: 'error', name, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
  // Whatever a bench left open (sockets, timers) must not keep the process alive.
  process.exit(0);
}

/** In the parent: one child per module, one at a time (benches must not compete for the 2 cores). */
function runInChild(file: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', file], {
      stdio: ['ignore', 2, 2, 'ipc'],
      env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production' },
    });
    let outcome: Outcome | undefined;
    let name = path.basename(file, '.bench.ts');
    let timers: NodeJS.Timeout[] = [];
    const arm = (ms: number) => {
      timers.forEach(clearTimeout);
      timers = [
        setTimeout(() => child.kill('SIGTERM'), ms),
        setTimeout(() => {
          outcome ??= { name, rows: [], error: `timed out after ${Math.round(ms / 1000)} s` };
          child.kill('SIGKILL');
        }, ms + GRACE_MS),
      ];
    };
    arm(DEFAULT_TIMEOUT_MS);
    child.on('message', (m: ChildMessage) => {
      name = m.name;
      if (m.type === 'meta') arm(m.timeoutMs);
      else if (m.type === 'result') outcome = { name, rows: m.rows };
      else outcome = { name, rows: [], error: m.error };
    });
    child.on('exit', (code, signal) => {
      timers.forEach(clearTimeout);
      resolve(outcome ?? { name, rows: [], error: `exited (${signal ?? code}) without results` });
    });
  });
}

const fmtNumber = (n: number) => {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  return n.toFixed(abs >= 100 || Number.isInteger(n) ? 0 : abs >= 10 ? 1 : 2);
};
// NaN (an empty sample, e.g. a run too short for "after 5 s") arrives from the child as null.
const fmtValue = (v: number | string | null | undefined, unit?: string) =>
  v === undefined ? '' : v === null ? '–' : typeof v === 'number' ? `${fmtNumber(v)}${unit ? ` ${unit}` : ''}` : v;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(outcomes: Outcome[]): string {
  const header = ['Benchmark', 'Case', 'Metric', 'Value', 'Reference', 'Ratio', 'Target', 'Met'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  const notes: string[] = [];
  for (const o of outcomes) {
    if (o.error) {
      lines.push(`| ${cell(o.name)} | | error | ${cell(o.error.split('\n')[0])} | | | | ✗ |`);
      continue;
    }
    for (const r of o.rows) {
      let metric = r.metric;
      if (r.note) {
        let n = notes.indexOf(r.note);
        if (n < 0) n = notes.push(r.note) - 1;
        metric += ` [${n + 1}]`;
      }
      const ratio = typeof r.value === 'number' && typeof r.reference === 'number' && r.reference > 0
        ? `${(r.value / r.reference).toFixed(2)}×` : '';
      const met = r.met === undefined ? '' : r.met ? '✓' : '✗';
      lines.push(`| ${[o.name, r.case, metric, fmtValue(r.value, r.unit), fmtValue(r.reference, r.unit), ratio, r.target ?? '', met].map(cell).join(' | ')} |`);
    }
  }
  if (notes.length) lines.push('', ...notes.map((n, i) => `[${i + 1}] ${n}`));
  return lines.join('\n');
}

async function main() {
  const filters = process.argv.slice(2).map((f) => f.toLowerCase());
  const files = fs.readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()
    .filter((f) => filters.length === 0 || filters.some((x) => f.toLowerCase().includes(x)))
    .map((f) => path.join(here, f));
  if (files.length === 0) {
    process.stderr.write(`no benchmark matches ${filters.join(' ')}\n`);
    process.exit(1);
  }
  const startedLoad = os.loadavg()[0];
  const outcomes: Outcome[] = [];
  for (const file of files) {
    process.stderr.write(`▶ ${path.basename(file)}\n`);
    const started = Date.now();
    const outcome = await runInChild(file);
    process.stderr.write(`■ ${outcome.name}: ${outcome.error ? `FAILED: ${outcome.error}` : `${outcome.rows.length} rows`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    outcomes.push(outcome);
  }
  const cpu = os.cpus();
  process.stdout.write(`\nBenchmarks — ${new Date().toISOString()}, node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, `
    + `load average ${startedLoad.toFixed(2)} at start / ${os.loadavg()[0].toFixed(2)} at end\n\n${renderTable(outcomes)}\n`);
  process.exit(outcomes.some((o) => o.error) ? 1 : 0);
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  if (process.argv[2] === '--child') void runChild(process.argv[3]);
  else void main();
}
