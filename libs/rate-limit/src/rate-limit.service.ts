import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
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
/** Bound on the keys remembered as over their limit (expired ones are swept first). */
const MAX_REMEMBERED = 10_000;

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
 * is not busy with a batch, a consume leaves at once.
 */
@Injectable()
export class RateLimitService {
  private readonly batches = new Batcher<Consume>((batch) => this.run(batch), { maxBatch: MAX_BATCH, maxInFlight: 2 });
  /**
   * Keys this replica has seen over their limit, with the end of that window
   * (epoch ms). A fixed window over its limit stays over until it ends, so
   * these are refused here without a Redis round trip: a flood costs nothing
   * but the first refusal per window. (The refused consumes are not counted in
   * Redis; over the limit, counting more changes nothing.)
   */
  private readonly over = new Map<string, number>();

  constructor(private readonly redis: RedisService) {}

  /** Consumes one point or throws RateLimitedError with the seconds to wait. */
  consume(spec: LimitSpec, key: string): Promise<void> {
    const full = this.redis.key('rl', spec.name) + ':' + key;
    const until = this.over.get(full);
    if (until !== undefined) {
      const ms = until - Date.now();
      if (ms > 0) return Promise.reject(new RateLimitedError(Math.ceil(ms / 1000)));
      this.over.delete(full);
    }
    return this.batches.submit({ key: full, points: spec.points, durationSeconds: spec.durationSeconds });
  }

  private remember(key: string, msBeforeNext: number): void {
    const now = Date.now();
    if (this.over.size >= MAX_REMEMBERED) {
      for (const [k, until] of this.over) if (until <= now) this.over.delete(k);
      if (this.over.size >= MAX_REMEMBERED) return;
    }
    this.over.set(key, now + msBeforeNext);
  }

  private async run(batch: Queued<Consume>[]): Promise<void> {
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
      } else if (consumed > q.item.points) {
        this.remember(q.item.key, msBeforeNext);
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
