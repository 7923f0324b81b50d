import type { Logger } from 'pino';

/**
 * Runs a sweep every `everyMs` until stopped (the first after `firstAfterMs`, else after `everyMs`):
 * never two rounds at once in this process; a failed round is logged and the next one tries again.
 * Every process of the app runs the same sweeps: each sweep claims what it sends in the database, in
 * the transaction that sends it, so each thing goes out once however many processes sweep.
 * Stopping waits for a round under way, so that the database outlives it.
 */
export function startSweep(name: string, everyMs: number, sweep: () => Promise<unknown>, log: Logger, firstAfterMs?: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  const round = () => {
    running ??= sweep()
      .then(() => undefined, (err: unknown) => { log.warn({ err }, `${name} failed`); })
      .finally(() => { running = null; });
    return running;
  };
  const timer = setInterval(round, everyMs);
  timer.unref();
  const first = firstAfterMs === undefined ? undefined : setTimeout(round, firstAfterMs);
  first?.unref();
  return async () => { clearInterval(timer); clearTimeout(first); await running; };
}
