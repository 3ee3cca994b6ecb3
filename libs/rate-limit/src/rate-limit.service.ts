import { Injectable } from '@nestjs/common';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@gatehouse/common';
import { RedisService } from '@gatehouse/redis';

export interface LimitSpec {
  /** Bucket name, part of the Redis key. */
  name: string;
  points: number;
  durationSeconds: number;
}

/** Fixed-window limits in Redis, so they hold across api replicas. */
@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(private readonly redis: RedisService) {}

  /** Consumes one point or throws RateLimitedError with the seconds to wait. */
  async consume(spec: LimitSpec, key: string): Promise<void> {
    try {
      await this.limiter(spec).consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        throw new RateLimitedError(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
      }
      throw err;
    }
  }

  private limiter(spec: LimitSpec): RateLimiterRedis {
    const id = `${spec.name}:${spec.points}:${spec.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis.client,
        keyPrefix: this.redis.key('rl', spec.name),
        points: spec.points,
        duration: spec.durationSeconds,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
