import { TtlCache } from './ttl-cache.js';

export interface ChangeListener {
  /** Something under `scope` (an org id, a session id) changed: forget what was read of it. */
  changed(scope: string): void;
  /** Changes may have been missed (the feed was lost or has just come back): forget everything. */
  reset(): void;
}

/** A stream of "this changed" messages that every replica receives, e.g. Postgres LISTEN or Redis pub/sub. */
export interface ChangeFeed {
  /** True while changes are being received; a cache must not answer from memory otherwise. */
  readonly live: boolean;
  watch(listener: ChangeListener): void;
}

/**
 * A cache that is valid until a change rather than for a fixed second: entries
 * live `ttlMs` (a backstop) but are forgotten as soon as the feed reports a
 * change of their scope. Keys must be `<scope>` or start with `<scope>:`.
 * While the feed is not live nothing is kept: concurrent callers share a
 * load in flight, and the next caller loads again. A lost feed costs
 * lookups, never stale answers.
 */
export class ChangeAwareCache<V> {
  private readonly cache: TtlCache<V>;
  private readonly uncached = new Map<string, Promise<V>>();

  constructor(
    private readonly feed: ChangeFeed,
    ttlMs: number,
    maxEntries?: number,
  ) {
    this.cache = new TtlCache<V>(ttlMs, maxEntries);
    feed.watch({ changed: (scope) => this.cache.deleteScope(scope), reset: () => this.cache.clear() });
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.feed.live) return this.cache.get(key, load);
    let pending = this.uncached.get(key);
    if (!pending) {
      pending = load();
      this.uncached.set(key, pending);
      const forget = () => this.uncached.delete(key);
      pending.then(forget, forget);
    }
    return pending;
  }

  delete(key: string): void {
    this.cache.delete(key);
  }
}

/** A feed told of changes by its owner: for tests, and for a process that is the only writer of what it caches. */
export class ManualChangeFeed implements ChangeFeed {
  private readonly listeners: ChangeListener[] = [];
  live = true;

  watch(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  changed(scope: string): void {
    for (const l of this.listeners) l.changed(scope);
  }

  setLive(live: boolean): void {
    this.live = live;
    for (const l of this.listeners) l.reset();
  }
}
