import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RateLimitedError } from '@gatehouse/common';
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

interface Pending {
  key: string;
  points: number;
  durationSeconds: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Fixed-window limits in Redis, so they hold across api replicas. Every
 * consume issued during one turn of the event loop (both limits of a request,
 * and those of every other request parsed in the same turn) travels in a
 * single script call: one Redis round trip and one socket write instead of
 * one per limit.
 */
@Injectable()
export class RateLimitService {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly redis: RedisService) {}

  /** Consumes one point or throws RateLimitedError with the seconds to wait. */
  consume(spec: LimitSpec, key: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ key: this.redis.key('rl', spec.name) + ':' + key, points: spec.points, durationSeconds: spec.durationSeconds, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) void this.run(all.slice(i, i + MAX_BATCH));
  }

  private async run(batch: Pending[]): Promise<void> {
    let result: unknown;
    try {
      result = await this.eval(
        batch.map((p) => p.key),
        batch.map((p) => String(p.durationSeconds)),
      );
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const values = Array.isArray(result) ? (result as unknown[]) : [];
    batch.forEach((p, i) => {
      const consumed = Number(values[2 * i]);
      const msBeforeNext = Number(values[2 * i + 1]);
      if (!Number.isFinite(consumed) || !Number.isFinite(msBeforeNext)) {
        p.reject(new Error('rate limit: unexpected answer from Redis'));
      } else if (consumed > p.points) {
        p.reject(new RateLimitedError(Math.max(1, Math.ceil(msBeforeNext / 1000))));
      } else {
        p.resolve();
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
