import { describe, expect, it } from 'vitest';
import { Batcher } from './batch';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Batcher', () => {
  it('sends a lone request at once and joins those that arrive while batches are out', async () => {
    const sent: number[][] = [];
    const gates: Array<() => void> = [];
    const b = new Batcher<number, number>(async (xs) => {
      sent.push(xs);
      await new Promise<void>((r) => gates.push(r));
      return xs.map((x) => x * 10);
    }, { maxInFlight: 1, maxBatch: 3 });
    const results = [1, 2, 3, 4, 5, 6].map((x) => b.request(x));
    await tick();
    expect(sent).toEqual([[1]]);
    gates.shift()!();
    await tick();
    expect(sent).toEqual([[1], [2, 3, 4]]);
    gates.shift()!();
    await tick();
    gates.shift()!();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(sent).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('a failed batch is retried one by one: only the failing request fails', async () => {
    const b = new Batcher<number, number>(async (xs) => {
      await tick();
      if (xs.includes(3)) throw new Error('refused');
      return xs.map((x) => -x);
    }, { maxInFlight: 1, maxBatch: 10 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((x) => b.request(x)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([-1, -2, 'failed', -4]);
  });
});
