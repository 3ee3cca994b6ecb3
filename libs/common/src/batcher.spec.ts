import { describe, expect, it } from '@jest/globals';
import { Batcher, type Queued } from './batcher.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A write that records each batch's items and settles them all. */
function recorder(): { writes: number[][]; write: (batch: Queued<number>[]) => Promise<void> } {
  const writes: number[][] = [];
  return {
    writes,
    write: (batch) => {
      writes.push(batch.map((q) => q.item));
      batch.forEach((q) => q.resolve());
      return Promise.resolve();
    },
  };
}

describe('Batcher', () => {
  it('writes what one synchronous run submits together, before the event loop comes round', async () => {
    const { writes, write } = recorder();
    const b = new Batcher<number>(write, { maxBatch: 100, maxInFlight: 1 });
    let immediate = false;
    setImmediate(() => (immediate = true));
    await Promise.all([b.submit(1), b.submit(2), b.submit(3)]);
    expect(immediate).toBe(false);
    expect(writes).toEqual([[1, 2, 3]]);
    await new Promise((r) => setImmediate(r));
    expect(b.idle).toBe(true);
  });

  it('queues what arrives during a write and sends it together when the write ends', async () => {
    const gate = deferred();
    const writes: number[][] = [];
    const b = new Batcher<number>(async (batch) => {
      writes.push(batch.map((q) => q.item));
      if (writes.length === 1) await gate.promise;
      batch.forEach((q) => q.resolve());
    }, { maxBatch: 2, maxInFlight: 1 });
    const first = b.submit(1);
    await Promise.resolve();
    const rest = [2, 3, 4, 5, 6].map((n) => b.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([[1]]);
    expect(b.idle).toBe(false);
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3], [4, 5], [6]]);
  });

  it('rejects every item of a write that fails, and goes on with the next', async () => {
    let calls = 0;
    const b = new Batcher<string>((batch: Queued<string>[]) => {
      calls++;
      if (batch.some((q) => q.item === 'bad')) return Promise.reject(new Error('down'));
      batch.forEach((q) => q.resolve());
      return Promise.resolve();
    }, { maxBatch: 10, maxInFlight: 1 });
    const failed = [b.submit('a'), b.submit('bad')];
    await expect(failed[0]).rejects.toThrow('down');
    await expect(failed[1]).rejects.toThrow('down');
    await expect(b.submit('c')).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('lets the write settle items one by one', async () => {
    const b = new Batcher<number>((batch) => {
      batch.forEach((q) => (q.item % 2 ? q.reject(new Error(`odd ${q.item}`)) : q.resolve()));
      return Promise.resolve();
    }, { maxBatch: 10, maxInFlight: 2 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => b.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
  });

  it('can leave an idle start until after the current turn, for work nobody waits on', async () => {
    const order: string[] = [];
    const b = new Batcher<number>((batch) => {
      order.push('write');
      batch.forEach((q) => q.resolve());
      return Promise.resolve();
    }, { maxBatch: 10, maxInFlight: 1, start: 'after-turn' });
    const done = b.submit(1);
    await Promise.resolve();
    order.push('answer');
    await done;
    expect(order).toEqual(['answer', 'write']);
  });

  it('with minIntervalMs, starts a write no sooner than that after the one before, carrying all that arrived meanwhile', async () => {
    const starts: { at: number; items: number[] }[] = [];
    const b = new Batcher<number>((batch) => {
      starts.push({ at: performance.now(), items: batch.map((q) => q.item) });
      batch.forEach((q) => q.resolve());
      return Promise.resolve();
    }, { maxBatch: 100, maxInFlight: 1, start: 'after-turn', minIntervalMs: 40 });
    // An idle batcher's first item leaves at once; the next ones wait for the interval and leave together.
    await b.submit(1);
    const later = [2, 3, 4].map((n) => b.submit(n));
    await new Promise((r) => setTimeout(r, 5));
    const more = b.submit(5);
    await Promise.all([...later, more]);
    expect(starts.map((s) => s.items)).toEqual([[1], [2, 3, 4, 5]]);
    expect(starts[1].at - starts[0].at).toBeGreaterThanOrEqual(39);
    await new Promise((r) => setImmediate(r));
    expect(b.idle).toBe(true);
  });

  it('flush sends what waits for the interval at once, and lifts the interval from then on', async () => {
    const { writes, write } = recorder();
    const b = new Batcher<number>(write, { maxBatch: 100, maxInFlight: 1, start: 'after-turn', minIntervalMs: 60_000 });
    await b.submit(1);
    const waiting = b.submit(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(writes).toEqual([[1]]);
    b.flush();
    await waiting;
    await b.submit(3);
    expect(writes).toEqual([[1], [2], [3]]);
  });
});
