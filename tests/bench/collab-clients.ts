/**
 * The client workers of the co-editing load benches (collab-load, collab-cluster): processes that each
 * hold a share of the y-websocket clients, type on cue and note when the others' keystrokes arrive.
 * A keystroke's key is its Yjs id (client × 1e6 + clock) and every time is read from one clock (nowMs),
 * so the bench matches writes with deliveries across processes. The bench sends them requests over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { inBatches, sleep } from './support';
import { docDigest, firstText, nowMs, openBenchClient, procSample, type BenchClient } from './collab-support';

const CONNECT_CONCURRENCY = 20;
const CHARS = '川渝政协提案氢走廊协同履职成渝双城经济圈';

/** A client: its document, the servers it dials in turn (its own first), and its offset within the edit period. */
export interface ClientSpec { index: number; doc: number; room: string; urls: string[]; headers: Record<string, string>; phase: number }
export type ClientRequest =
  | { type: 'seed'; url: string; rooms: string[]; seeds: Uint8Array[]; headers: Record<string, string> }
  | { type: 'open'; clients: ClientSpec[] }
  | { type: 'edit'; startAt: number; seconds: number; rate: number; loopDelay?: boolean }
  | { type: 'collect' }
  | { type: 'final' }
  | { type: 'probe'; url: string; rooms: string[]; headers: Record<string, string> }
  | { type: 'close' };
/**
 * Edits in order: key, time, writing client; the first `clients` of them are each client's first edit.
 * loopP99: the worker's p99 event-loop delay while editing, when the bench asked for it (`loopDelay`).
 */
export interface Writes { key: Float64Array; t: Float64Array; writer: Float64Array; clients: number; loopP99: number | null }
export interface Observed { key: Float64Array; t: Float64Array; reader: Float64Array }
/** A client's final document, close codes seen, and when its provider (re)synced while recording. */
export interface FinalState { index: number; doc: number; hash: string; chars: number; closes: number; syncs: number[] }
/** A fresh client's copy of a document. */
export interface Probe { hash: string; stateVector: Uint8Array }

// ---------------------------------------------------------------------------------------------
// Worker processes answering requests over IPC (structured clone, so typed arrays pass as they are)

type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

/** In a worker: answers each request with `handle`'s result (or error); says "ready" first. */
function serveRequests<R>(handle: (request: R) => Promise<unknown>) {
  process.on('message', (m: { id: number; request: R }) => {
    handle(m.request).then(
      (result) => process.send!({ id: m.id, ok: true, result } satisfies Reply),
      (err) => process.send!({ id: m.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies Reply),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ id: 0, ok: true, result: 'ready' } satisfies Reply);
}

/** In the bench: forked workers (serveRequests on their side), request/response by id. */
class WorkerPool<R> {
  private procs: ChildProcess[] = [];
  private next = 1;
  private waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  protected async fork(file: string, args: string[], count: number) {
    for (let i = 0; i < count; i++) {
      const p = fork(file, args, { serialization: 'advanced', stdio: ['ignore', 2, 2, 'ipc'] });
      await new Promise<void>((resolve, reject) => {
        p.once('message', () => resolve());
        p.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
      });
      p.on('message', (m: Reply) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.ok) w?.resolve(m.result); else w?.reject(new Error(`worker: ${m.error}`));
      });
      this.procs.push(p);
    }
  }

  request<T>(i: number, request: R): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.procs[i].send({ id, request });
    });
  }

  all<T>(request: (i: number) => R): Promise<T[]> {
    return Promise.all(this.procs.map((_, i) => this.request<T>(i, request(i))));
  }

  /** CPU ms used so far by all workers. */
  cpuMs() {
    return this.procs.reduce((n, p) => n + procSample(p.pid!).cpuMs, 0);
  }

  stop() {
    for (const p of this.procs) p.kill();
    this.procs = [];
  }
}

// ---------------------------------------------------------------------------------------------
// The worker: a process holding a share of the clients

async function worker() {
  let clients: Array<{ spec: ClientSpec; c: BenchClient; text: Y.XmlText; syncs: number[] }> = [];
  let recording = false;
  let obs = { key: [] as number[], t: [] as number[], reader: [] as number[] };
  let sent = 0;

  const handlers: { [K in ClientRequest['type']]: (r: Extract<ClientRequest, { type: K }>) => Promise<unknown> } = {
    async seed({ url, rooms, seeds, headers }) {
      await inBatches(rooms.length, CONNECT_CONCURRENCY, async (i) => {
        const c = openBenchClient(url, rooms[i], headers);
        await c.synced;
        if (c.doc.getXmlFragment('default').length === 0) Y.applyUpdate(c.doc, seeds[i]);
        while ((c.provider.ws as unknown as { bufferedAmount?: number } | null)?.bufferedAmount) await sleep(10);
        await sleep(200); // the server handles the update before the close that follows it
        c.destroy();
      });
    },
    async open({ clients: specs }) {
      clients = await inBatches(specs.length, CONNECT_CONCURRENCY, async (i) => {
        const spec = specs[i];
        const c = openBenchClient(spec.urls, spec.room, spec.headers);
        await c.synced;
        const syncs: number[] = [];
        c.provider.on('sync', (s: boolean) => { if (s && recording) syncs.push(nowMs()); });
        c.doc.on('afterTransaction', (tr: Y.Transaction) => {
          if (!recording || tr.origin !== c.provider) return;
          const t = nowMs();
          tr.afterState.forEach((after, client) => {
            for (let k = tr.beforeState.get(client) ?? 0; k < after; k++) {
              obs.key.push(client * 1e6 + k); obs.t.push(t); obs.reader.push(spec.index);
            }
          });
        });
        return { spec, c, text: firstText(c.doc), syncs };
      });
    },
    async edit({ startAt, seconds, rate, loopDelay }) {
      recording = true;
      const period = 1000 / rate;
      const order = [...clients].sort((a, b) => a.spec.phase - b.spec.phase);
      const total = Math.round(seconds * rate) * order.length;
      const key: number[] = [];
      const times: number[] = [];
      const writer: number[] = [];
      const due = (e: number) => startAt + order[e % order.length].spec.phase + Math.floor(e / order.length) * period;
      let e = 0;
      const loop = loopDelay ? monitorEventLoopDelay({ resolution: 5 }) : null;
      loop?.enable();
      await new Promise<void>((resolve) => {
        const tick = () => {
          const now = nowMs();
          for (; e < total && due(e) <= now; e++) {
            const { c, text, spec } = order[e % order.length];
            key.push(c.doc.clientID * 1e6 + Y.getState(c.doc.store, c.doc.clientID));
            times.push(nowMs());
            writer.push(spec.index);
            // Typed whether or not the connection is up: y-websocket sends the backlog when it reconnects.
            text.insert(Math.floor(Math.random() * (text.length + 1)), CHARS[e % CHARS.length]);
          }
          if (e >= total) resolve();
          else setTimeout(tick, Math.max(0, due(e) - nowMs()));
        };
        setTimeout(tick, Math.max(0, startAt - nowMs()));
      });
      loop?.disable();
      return {
        key: Float64Array.from(key), t: Float64Array.from(times), writer: Float64Array.from(writer), clients: order.length,
        loopP99: loop ? loop.percentile(99) / 1e6 : null,
      } satisfies Writes;
    },
    async collect() {
      const out: Observed = { key: Float64Array.from(obs.key.slice(sent)), t: Float64Array.from(obs.t.slice(sent)), reader: Float64Array.from(obs.reader.slice(sent)) };
      sent = obs.key.length;
      return out;
    },
    async final() {
      return clients.map(({ spec, c, syncs }): FinalState => ({ index: spec.index, doc: spec.doc, ...docDigest(c.doc), closes: c.closes.length, syncs }));
    },
    async probe({ url, rooms, headers }) {
      return inBatches(rooms.length, CONNECT_CONCURRENCY, async (i): Promise<Probe> => {
        const c = openBenchClient(url, rooms[i], headers);
        await c.synced;
        const out = { hash: docDigest(c.doc).hash, stateVector: Y.encodeStateVector(c.doc) };
        c.destroy();
        return out;
      });
    },
    async close() {
      for (const { c } of clients) c.destroy();
      clients = [];
      recording = false;
      obs = { key: [], t: [], reader: [] };
      sent = 0;
    },
  };
  serveRequests<ClientRequest>((r) => (handlers[r.type] as (r: ClientRequest) => Promise<unknown>)(r));
}

/** The client workers, seen from the bench: this file, forked with --collab-clients-worker. */
export class ClientWorkers extends WorkerPool<ClientRequest> {
  start(count: number) {
    return this.fork(fileURLToPath(import.meta.url), ['--collab-clients-worker'], count);
  }
}

if (process.argv.includes('--collab-clients-worker')) void worker();
