import { createHash } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Batcher, RateLimitedError, type Queued } from '@gatehouse/common';
import { RedisService } from '@gatehouse/redis';

export interface LimitSpec {
  /** Bucket name, part of the Redis key. */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * One fixed window per key, exactly as rate-limiter-flexible's RateLimiterRedis
 * keeps it (same keys, same values, same expiry), so replicas running either
 * implementation share the counters: the window starts at the first point and
 * lasts `durationSeconds`; a consume over the limit still counts.
 * Returns, per key, the points consumed in the window and its remaining ms.
 */
const SCRIPT = `local out = {}
for i = 1, #KEYS do
  local secs = tonumber(ARGV[i])
  redis.call('set', KEYS[i], 0, 'EX', secs, 'NX')
  local consumed = redis.call('incrby', KEYS[i], 1)
  local ttl = redis.call('pttl', KEYS[i])
  if ttl == -1 then
    redis.call('expire', KEYS[i], secs)
    ttl = 1000 * secs
  end
  out[2 * i - 1] = consumed
  out[2 * i] = ttl
end
return out`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** Keys per script call; a bigger burst is split. */
const MAX_BATCH = 256;
/** Bound on the keys remembered as over their limit, and on those whose last answer is kept (expired ones are swept first). */
const MAX_REMEMBERED = 10_000;
/** How long an answer from Redis counts as knowing how much room a window has. */
const FRESH_MS = 1000;
/**
 * Consumes nobody waits for (calls let through far from their limits) leave
 * at most this often, in one script call: at one call at a time, a Redis
 * round trip per call, right after its answer, competed with the client for
 * the two cores (sending every 20 ms took 41-99 us off a call's p50; not
 * sending at all, 140-240); under load, it is fewer round trips. Answers
 * still come well within FRESH_MS.
 */
const DEFERRED_INTERVAL_MS = 20;
/** The room a window must keep, beyond every consume unanswered here, for a consume not to be waited for. */
const margin = (points: number): number => Math.max(5, Math.ceil(points / 10));

interface Heard {
  consumed: number;
  until: number;
  heardAt: number;
  pending: number;
}

/** A consume counted here before it is sent (see `RateLimitService.reserve`). */
export interface Reservation {
  /** Sends it now; the answer is waited for. */
  send(): Promise<void>;
  /** Sends it with the others of the next few milliseconds; nobody waits for it. */
  sendLater(): void;
}

interface Consume {
  key: string;
  points: number;
  durationSeconds: number;
}

/**
 * Fixed-window limits in Redis, so they hold across api replicas. Consumes
 * are batched (both limits of a request, and under load those of every
 * request that arrives while a script call is out) into one script call: one
 * Redis round trip and one socket write instead of one per limit. When Redis
 * is not busy with a batch, a consume that is waited for leaves at once; one
 * that is not (`reserve(...).sendLater`) rides with the others of the next
 * DEFERRED_INTERVAL_MS.
 */
@Injectable()
export class RateLimitService implements OnModuleDestroy {
  private readonly batches = new Batcher<Consume>((batch) => this.run(batch), { maxBatch: MAX_BATCH, maxInFlight: 2 });
  private readonly deferred = new Batcher<Consume>((batch) => this.run(batch), {
    maxBatch: MAX_BATCH,
    maxInFlight: 1,
    start: 'after-turn',
    minIntervalMs: DEFERRED_INTERVAL_MS,
  });
  /**
   * Keys this replica has seen over their limit: when that window ends
   * (`performance.now()` time, measured from when the script was sent, so
   * never later than Redis's own end) and the limit it was over. A fixed
   * window over its limit stays over until it ends, so these are refused
   * here without a Redis round trip: a flood costs one refusal per window.
   * The refused consumes are not counted in Redis; over the limit, counting
   * more changes nothing. A limit changed since is asked again; a window
   * deleted in Redis by hand is seen only when the remembered one ends.
   */
  private readonly over = new Map<string, { until: number; points: number }>();
  /**
   * What Redis last answered for each key this replica consumes (points
   * consumed in the window, when the window ends, when that was heard) and
   * how many consumes sent since are still unanswered: what `hasRoom` knows.
   */
  private readonly heard = new Map<string, Heard>();
  /** When `heard` was last swept for ended windows (at most once a second when it is full). */
  private lastSweep = -Infinity;

  constructor(private readonly redis: RedisService) {}

  /** Consumes one point or throws RateLimitedError with the seconds to wait. */
  consume(spec: LimitSpec, key: string): Promise<void> {
    return this.consumeAll([{ spec, key }]);
  }

  /**
   * Consumes one point of each limit, in one Redis round trip; throws
   * RateLimitedError when any is over. When one is already known to be
   * over, none is consumed and Redis is not asked.
   */
  consumeAll(limits: readonly { spec: LimitSpec; key: string }[]): Promise<void> {
    const items = this.itemsOf(limits);
    const now = performance.now();
    for (const item of items) {
      const known = this.over.get(item.key);
      if (known === undefined) continue;
      if (known.until > now && known.points === item.points) return Promise.reject(new RateLimitedError(Math.ceil((known.until - now) / 1000)));
      this.over.delete(item.key);
    }
    return items.length === 1 ? this.submit(items[0]) : Promise.all(items.map((item) => this.submit(item))).then(() => undefined);
  }

  /**
   * true when Redis said, within the last second, that each of these windows
   * (still running) has room for one more consume and every one still
   * unanswered here, with a margin to spare (a tenth of the points, at least
   * 5) for what other replicas consume meanwhile. Such a consume's answer is
   * known before it comes, so a caller may go on without waiting for it, but
   * must `reserve` it at once (so that concurrent callers see it) and send
   * it; its answer keeps this knowledge fresh. Near the limit, or without a
   * fresh answer, this is false and the consume is waited for.
   */
  hasRoom(limits: readonly { spec: LimitSpec; key: string }[]): boolean {
    const now = performance.now();
    for (const item of this.itemsOf(limits)) {
      const h = this.heard.get(item.key);
      if (!h || h.until <= now || now - h.heardAt > FRESH_MS) return false;
      if (item.points - h.consumed - h.pending - 1 < margin(item.points)) return false;
    }
    return true;
  }

  private itemsOf(limits: readonly { spec: LimitSpec; key: string }[]): Consume[] {
    return limits.map(({ spec, key }) => ({ key: this.redis.key('rl', spec.name) + ':' + key, points: spec.points, durationSeconds: spec.durationSeconds }));
  }

  /**
   * One consume of each limit, counted as unanswered from now on (what
   * `hasRoom` sees) and sent to Redis when `send` (at once, for a caller
   * that waits for the answer) or `sendLater` (with the others of the next
   * DEFERRED_INTERVAL_MS, for one that does not) is first called; later
   * calls of either return the same answer. Sent even for a key known to be
   * over: the call it counts was let through on knowing there was room.
   */
  reserve(limits: readonly { spec: LimitSpec; key: string }[]): Reservation {
    const items = this.itemsOf(limits);
    const heard = items.map((item) => this.heardOf(item.key));
    for (const h of heard) h.pending++;
    let sent: Promise<void> | undefined;
    const sendWith = (batcher: Batcher<Consume>) =>
      (sent ??= Promise.all(items.map((item, i) => this.send(item, heard[i], batcher))).then(() => undefined));
    return {
      send: () => sendWith(this.batches),
      sendLater: () => void sendWith(this.deferred).catch(() => undefined),
    };
  }

  /**
   * What is waiting for the next deferred send leaves now, at shutdown, and is answered before Redis is closed
   * (RedisModule is imported after RateLimitModule, so it is destroyed after it); waits a second at most.
   */
  async onModuleDestroy(): Promise<void> {
    this.deferred.flush();
    for (let i = 0; i < 50 && !this.deferred.idle; i++) await new Promise((r) => setTimeout(r, 20));
  }

  private submit(item: Consume): Promise<void> {
    const h = this.heardOf(item.key);
    h.pending++;
    return this.send(item, h, this.batches);
  }

  /** Sends a consume already counted in `h.pending`. Redis failing makes what was heard stale: no room until it answers again. */
  private send(item: Consume, h: Heard, batcher: Batcher<Consume>): Promise<void> {
    return batcher
      .submit(item)
      .catch((err: unknown) => {
        if (!(err instanceof RateLimitedError)) h.heardAt = -Infinity;
        throw err;
      })
      .finally(() => {
        if (h.pending > 0) h.pending--;
      });
  }

  /** What was heard of a key, kept within MAX_REMEMBERED (keys whose window has ended go first, swept at most once a second). */
  private heardOf(key: string): Heard {
    const known = this.heard.get(key);
    if (known) return known;
    const h: Heard = { consumed: 0, until: 0, heardAt: -Infinity, pending: 0 };
    if (this.heard.size >= MAX_REMEMBERED) {
      const now = performance.now();
      if (now - this.lastSweep < 1000) return h;
      this.lastSweep = now;
      for (const [k, old] of this.heard) if (old.until <= now && old.pending === 0) this.heard.delete(k);
      if (this.heard.size >= MAX_REMEMBERED) return h;
    }
    this.heard.set(key, h);
    return h;
  }

  private remember(item: Consume, until: number): void {
    if (this.over.size >= MAX_REMEMBERED) {
      // Oldest first, and windows of one limit end in the order they were seen: stop at the first still running.
      const now = performance.now();
      for (const [key, known] of this.over) {
        if (known.until > now) break;
        this.over.delete(key);
      }
      if (this.over.size >= MAX_REMEMBERED) return;
    }
    this.over.delete(item.key);
    this.over.set(item.key, { until, points: item.points });
  }

  /** An answer for `key`: answers within one window only grow (they may arrive out of order); a later window starts over. */
  private heardFrom(item: Consume, consumed: number, until: number, sentAt: number): void {
    const h = this.heard.get(item.key);
    if (!h) return;
    // One window's answers end within a round trip of each other; the next window ends a whole duration later.
    h.consumed = until > h.until + item.durationSeconds * 500 ? consumed : Math.max(h.consumed, consumed);
    h.until = until;
    // Knowledge dates from when the question left: a slow answer is no fresher than its question.
    h.heardAt = Math.max(h.heardAt, sentAt);
  }

  private async run(batch: Queued<Consume>[]): Promise<void> {
    const sentAt = performance.now();
    const result = await this.eval(
      batch.map((q) => q.item.key),
      batch.map((q) => String(q.item.durationSeconds)),
    );
    const values = Array.isArray(result) ? (result as unknown[]) : [];
    batch.forEach((q, i) => {
      const consumed = Number(values[2 * i]);
      const msBeforeNext = Number(values[2 * i + 1]);
      if (!Number.isFinite(consumed) || !Number.isFinite(msBeforeNext)) {
        q.reject(new Error('rate limit: unexpected answer from Redis'));
        return;
      }
      this.heardFrom(q.item, consumed, sentAt + msBeforeNext, sentAt);
      if (consumed > q.item.points) {
        this.remember(q.item, sentAt + msBeforeNext);
        q.reject(new RateLimitedError(Math.max(1, Math.ceil(msBeforeNext / 1000))));
      } else {
        q.resolve();
      }
    });
  }

  private async eval(keys: string[], args: string[]): Promise<unknown> {
    const client = this.redis.client;
    try {
      return await client.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
    } catch (err) {
      // First use on this Redis (or after SCRIPT FLUSH): send the script itself, which also caches it.
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return client.eval(SCRIPT, keys.length, ...keys, ...args);
      throw err;
    }
  }
}
