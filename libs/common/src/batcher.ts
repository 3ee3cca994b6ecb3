export interface Queued<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatcherOptions {
  /** Items per write; a bigger backlog is split. */
  maxBatch: number;
  /** Writes at once; what arrives while they run waits for the next. */
  maxInFlight: number;
  /**
   * When an idle batcher's first item leaves: on a microtask (default; for
   * work a caller is waiting on), or after the event loop's current turn, for
   * work nobody waits on, so it never delays the answer being written.
   */
  start?: 'microtask' | 'after-turn';
  /**
   * For work nobody waits on: a write starts no sooner than this long after
   * the one before it started, so that what arrives meanwhile rides along.
   * Under load, a write that is in flight for less than this no longer sets
   * the size of the next batch. `flush` lifts it.
   */
  minIntervalMs?: number;
}

/**
 * Coalesces items into batched writes (group commit). When no write is
 * running, the first item goes out at once — on a microtask, so whatever is
 * submitted in the same synchronous run rides along — instead of waiting for
 * the event loop to come round (setImmediate waited for every other callback
 * of the turn, which at low load was most of a call's latency). While
 * `maxInFlight` writes run, new items queue and leave together as soon as one
 * finishes, so under load batches grow by themselves. `write` settles each
 * item; if it throws, every item it was given is rejected with that error.
 */
export class Batcher<T> {
  private queue: Queued<T>[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** When the last write started (`performance.now()`), for `minIntervalMs`. */
  private lastStart = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;

  constructor(
    private readonly write: (batch: Queued<T>[]) => Promise<void>,
    private readonly opts: BatcherOptions,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled && this.timer === undefined && this.inFlight < this.opts.maxInFlight) {
        this.scheduled = true;
        const go = (): void => {
          this.scheduled = false;
          this.pump();
        };
        if (this.opts.start === 'after-turn') setImmediate(go);
        else queueMicrotask(go);
      }
    });
  }

  /** Nothing queued and nothing being written. */
  get idle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0;
  }

  /** Sends what is queued without waiting for `minIntervalMs`, now and from then on (at shutdown). */
  flush(): void {
    this.flushing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const interval = this.flushing ? 0 : (this.opts.minIntervalMs ?? 0);
      if (interval > 0) {
        const now = performance.now();
        if (now < this.lastStart + interval) {
          this.timer ??= setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, Math.ceil(this.lastStart + interval - now));
          return;
        }
        this.lastStart = now;
      }
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      this.write(batch)
        .catch((err: unknown) => batch.forEach((q) => q.reject(err)))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
