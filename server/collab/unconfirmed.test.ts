import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnconfirmedUpdates } from './unconfirmed';

const room = (draftId: string) => ({ draftId, unloading: false });
const u = (n: number) => new Uint8Array([n]);

describe('updates from other processes waiting for their sender to store them', () => {
  afterEach(() => { vi.useRealTimers(); });

  it("forgets what the sender confirmed, stores what it never confirmed, in each sender's order", () => {
    vi.useFakeTimers();
    const stored: Array<[string, number[]]> = [];
    const ledger = new UnconfirmedUpdates(1000, (r, updates) => stored.push([r.draftId, updates.map((x) => x[0])]));
    const a = room('a');
    const b = room('b');
    ledger.received('p1', 1, a, u(1));
    ledger.received('p1', 2, b, u(2));
    ledger.received('p2', 1, a, u(3));
    ledger.received('p1', 3, a, u(4));
    ledger.confirmed('p1', 2);
    expect(ledger.size).toBe(2);
    vi.advanceTimersByTime(1500);
    expect(stored).toEqual([['a', [4, 3]]]);
    expect(ledger.size).toBe(0);
    ledger.close();
  });

  it('hands an unloading room its updates, and the sweep then skips it', () => {
    vi.useFakeTimers();
    const store = vi.fn();
    const ledger = new UnconfirmedUpdates(1000, store);
    const a = room('a');
    const b = room('b');
    ledger.received('p1', 1, a, u(1));
    ledger.received('p1', 2, b, u(2));
    expect(ledger.take(a).map((x) => x[0])).toEqual([1]);
    expect(ledger.size).toBe(1);
    ledger.confirmed('p1', 2);
    vi.advanceTimersByTime(1500);
    expect(store).not.toHaveBeenCalled();
    ledger.close();
  });
});
