import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { startSweep } from './jobs';

const log = pino({ level: 'silent' });

describe('startSweep', () => {
  it('never runs two rounds at once, and stopping waits for the round under way', async () => {
    let release!: () => void;
    let started = 0;
    let finished = 0;
    const stop = startSweep('test sweep', 5, async () => {
      started += 1;
      await new Promise<void>((resolve) => { release = resolve; });
      finished += 1;
    }, log, 0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(started).toBe(1);
    let stopped = false;
    const stopping = stop().then(() => { stopped = true; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toBe(1);
  });

  it('a failed round is logged and the next one runs', async () => {
    let rounds = 0;
    const stop = startSweep('test sweep', 5, async () => { rounds += 1; throw new Error('boom'); }, log);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await stop();
    expect(rounds).toBeGreaterThan(1);
  });
});
