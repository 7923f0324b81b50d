import { Worker } from 'node:worker_threads';
import type { DocumentJSON, DocxRefusal, ImportLimits } from './docx-to-json';
import type { DocxMeta } from './json-to-docx';
import type { WordReply, WordTask } from './worker';

/**
 * Word conversion off the event loop: a few kept worker threads (worker.ts), started on first use,
 * each running one job at a time with a time limit. A job over the limit has its thread terminated
 * (synchronous parsing cannot be interrupted otherwise) and is refused as `word.tooComplex`; the
 * next job gets a fresh thread. The limit counts from when a thread takes the job, so neither a
 * thread's start-up nor waiting behind another job uses it up.
 */

/**
 * A refusal is a value, not an error: the Remix bundle holds its own copy of docx-to-json.ts, so a
 * DocxError made here would not be `instanceof` the route's DocxError.
 */
export type WordResult<T> = { ok: true; value: T } | { ok: false; refusal: DocxRefusal };

export interface WordConverter {
  /** A checked, converted upload, or why it is refused. */
  importDocx(file: Buffer, limits: ImportLimits): Promise<WordResult<DocumentJSON>>;
  exportDocx(json: DocumentJSON, meta: DocxMeta): Promise<WordResult<Buffer>>;
}

export interface WordPool extends WordConverter {
  /** Stops every thread; jobs not finished are refused. */
  close(): Promise<void>;
}

export interface WordPoolOptions {
  /** Threads at most (the machine has 2 cores, shared with the server and the database). */
  size?: number;
  /** Milliseconds a job may run (config WORD_TIME_LIMIT_MS). */
  timeLimitMs: number;
  /** Heap of one thread: a crafted file fails alone instead of exhausting the process. */
  maxHeapMb?: number;
}

type Value = DocumentJSON | Uint8Array;

interface Job {
  task: WordTask;
  resolve(result: WordResult<Value>): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  job?: Job & { id: number; timer: NodeJS.Timeout };
}

/** A plain module that registers tsx, then loads worker.ts: the same under tsx, vitest and `npm start`. */
const WORKER_URL = new URL('./worker.mjs', import.meta.url);

export function createWordPool({ size = 1, timeLimitMs, maxHeapMb = 512 }: WordPoolOptions): WordPool {
  const threads = new Set<Thread>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  function start() {
    const thread: Thread = {
      worker: new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } }),
      ready: false,
    };
    thread.worker.unref(); // an idle pool never keeps the process alive
    thread.worker.on('message', (msg: 'ready' | WordReply) => {
      if (msg === 'ready') { thread.ready = true; dispatch(); return; }
      const job = thread.job;
      if (!job || job.id !== msg.id) return;
      clearTimeout(job.timer);
      thread.job = undefined;
      if ('value' in msg) job.resolve({ ok: true, value: msg.value });
      else if ('refusal' in msg) job.resolve({ ok: false, refusal: msg.refusal });
      else job.reject(new Error(`Word conversion failed: ${msg.error}`));
      dispatch();
    });
    thread.worker.on('error', (err: Error & { code?: string }) => {
      // A crafted file can exhaust a thread's heap: that is the file's fault, like running too long.
      lost(thread, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'word.tooComplex' : err);
    });
    thread.worker.on('exit', (code) => lost(thread, new Error(`Word worker exited (${code})`)));
    threads.add(thread);
  }

  /** A thread ended (timed out, crashed, out of memory): its job is refused or fails, another thread takes the queue. */
  function lost(thread: Thread, why: Error | DocxRefusal) {
    if (!threads.delete(thread)) return;
    const job = thread.job;
    const err = typeof why === 'string' ? new Error(why) : why;
    if (job) {
      clearTimeout(job.timer);
      if (typeof why === 'string') job.resolve({ ok: false, refusal: why });
      else job.reject(err);
    } else if (!thread.ready) {
      // It could not even load: fail what waits rather than start threads in a loop.
      for (const waiting of queue.splice(0)) waiting.reject(err);
    }
    dispatch();
  }

  function dispatch() {
    if (closed) return;
    for (const thread of threads) {
      if (!thread.ready || thread.job || queue.length === 0) continue;
      const job = queue.shift()!;
      const id = nextId++;
      const timer = setTimeout(() => {
        lost(thread, 'word.tooComplex');
        void thread.worker.terminate();
      }, timeLimitMs);
      thread.job = { ...job, id, timer };
      thread.worker.postMessage({ id, task: job.task });
    }
    if (queue.length > 0 && threads.size < size && [...threads].every((t) => t.ready)) start();
  }

  function run(task: WordTask): Promise<WordResult<Value>> {
    if (closed) return Promise.reject(new Error('Word pool closed'));
    return new Promise((resolve, reject) => {
      queue.push({ task, resolve, reject });
      dispatch();
    });
  }

  return {
    importDocx(file, limits) {
      return run({ kind: 'import', file, limits }) as Promise<WordResult<DocumentJSON>>;
    },
    async exportDocx(json, meta) {
      const result = await run({ kind: 'export', json, meta }) as WordResult<Uint8Array>;
      return result.ok ? { ok: true, value: Buffer.from(result.value.buffer, result.value.byteOffset, result.value.byteLength) } : result;
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('Word pool closed'));
      await Promise.all([...threads].map((t) => t.worker.terminate()));
    },
  };
}
