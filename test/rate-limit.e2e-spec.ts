import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { RateLimitedError } from '@gatehouse/common';
import { parseEnv } from '@gatehouse/config';
import { RateLimitService, type LimitSpec } from '@gatehouse/rate-limit';
import { RedisService } from '@gatehouse/redis';

/** The fixed-window limits against a real Redis, and what one replica remembers of keys over their limit. */
describe('rate limits (Redis)', () => {
  let redis: RedisService;
  let limits: RateLimitService;
  const count = async (spec: LimitSpec, key: string) => redis.client.get(redis.key('rl', spec.name) + ':' + key);
  const refused = (p: Promise<void>) => expect(p).rejects.toBeInstanceOf(RateLimitedError);

  beforeAll(async () => {
    redis = new RedisService(parseEnv({ ...process.env, REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? 'gh-test:'}rl-${randomBytes(4).toString('hex')}:` }));
    await redis.onModuleInit();
    limits = new RateLimitService(redis);
  });
  afterAll(() => redis.onModuleDestroy());

  it('refuses a key known to be over without asking Redis, and spends none of the other limits', async () => {
    const credential = { name: 'cred', points: 2, durationSeconds: 60 };
    const org = { name: 'org', points: 100, durationSeconds: 60 };
    const both = () => limits.consumeAll([{ spec: credential, key: 'c1' }, { spec: org, key: 'o1' }]);
    await both();
    await both();
    const third = both();
    await expect(third).rejects.toBeInstanceOf(RateLimitedError);
    await third.catch((err: RateLimitedError) => expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(59));
    expect([await count(credential, 'c1'), await count(org, 'o1')]).toEqual(['3', '3']);
    for (let i = 0; i < 5; i++) await refused(both());
    expect([await count(credential, 'c1'), await count(org, 'o1')]).toEqual(['3', '3']);
    // Another key of the same limit is its own window.
    await limits.consume(credential, 'c2');
  });

  it('asks Redis again when the limit changed, or once the window has ended', async () => {
    const tight = { name: 'changing', points: 1, durationSeconds: 1 };
    await limits.consume(tight, 'k');
    await refused(limits.consume(tight, 'k'));
    await refused(limits.consume(tight, 'k'));
    expect(await count(tight, 'k')).toBe('2');
    // A higher limit for the same key (configuration changed): counted in Redis, and within it.
    await limits.consume({ ...tight, points: 10 }, 'k');
    expect(await count(tight, 'k')).toBe('3');
    // The window ends in Redis and here alike: the next consume opens a new one.
    await refused(limits.consume(tight, 'k'));
    await new Promise((r) => setTimeout(r, 1100));
    await limits.consume(tight, 'k');
    expect(await count(tight, 'k')).toBe('1');
  });
});
