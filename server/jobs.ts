import type { Logger } from 'pino';

/**
 * Runs a sweep every `everyMs` until stopped (the first after `firstAfterMs`, else after `everyMs`):
 * never two rounds at once in this process; a failed round is logged and the next one tries again.
 * Every process of the app runs the same sweeps: each sweep claims what it sends in the database, in
 * the transaction that sends it, so each thing goes out once however many processes sweep.
 */
export function startSweep(name: string, everyMs: number, sweep: () => Promise<unknown>, log: Logger, firstAfterMs?: number): () => void {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      await sweep();
    } catch (err) {
      log.warn({ err }, `${name} failed`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(round, everyMs);
  timer.unref();
  const first = firstAfterMs === undefined ? undefined : setTimeout(round, firstAfterMs);
  first?.unref();
  return () => { clearInterval(timer); clearTimeout(first); };
}
