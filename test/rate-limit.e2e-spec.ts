import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { RateLimitedError } from '@gatehouse/common';
import { parseEnv } from '@gatehouse/config';
import { RateLimitService, type LimitSpec, type Reservation } from '@gatehouse/rate-limit';
import { RedisService } from '@gatehouse/redis';
import { startTestApp } from '@gatehouse/testing';

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

  it('knows a window has room only from a fresh answer, with a margin kept for other replicas and for consumes still unanswered', async () => {
    const spec = { name: 'room', points: 20, durationSeconds: 60 };
    const mine = [{ spec, key: 'r' }];
    // Nothing heard yet: the first consume must be waited for.
    expect(limits.hasRoom(mine)).toBe(false);
    await limits.consumeAll(mine);
    expect(limits.hasRoom(mine)).toBe(true);
    // Room means one more consume still leaves the margin (5 of 20 here): true up to 14 consumed, false from 15.
    for (let i = 1; i < 14; i++) await limits.consumeAll(mine);
    expect(await count(spec, 'r')).toBe('14');
    expect(limits.hasRoom(mine)).toBe(true);
    await limits.consumeAll(mine);
    expect(limits.hasRoom(mine)).toBe(false);

    // Consumes sent and not yet answered count against the room: while Redis holds writes, three in flight use it up.
    const other = [{ spec, key: 'r2' }];
    await limits.consumeAll(other);
    for (let i = 0; i < 11; i++) await limits.consumeAll(other);
    expect(limits.hasRoom(other)).toBe(true);
    await redis.client.call('CLIENT', 'PAUSE', '300', 'WRITE');
    const inFlight = [limits.consumeAll(other), limits.consumeAll(other), limits.consumeAll(other)];
    expect(limits.hasRoom(other)).toBe(false);
    await Promise.all(inFlight);
    expect(await count(spec, 'r2')).toBe('15');
    expect(limits.hasRoom(other)).toBe(false);

    // Another replica's consumes are seen with the next answer, and an answer older than a second is no longer knowledge.
    const third = [{ spec, key: 'r3' }];
    await limits.consumeAll(third);
    expect(limits.hasRoom(third)).toBe(true);
    await redis.client.incrby(redis.key('rl', spec.name) + ':r3', 13);
    expect(limits.hasRoom(third)).toBe(true);
    await limits.consumeAll(third);
    expect(limits.hasRoom(third)).toBe(false);
    const fourth = [{ spec, key: 'r4' }];
    await limits.consumeAll(fourth);
    await new Promise((r) => setTimeout(r, 1100));
    expect(limits.hasRoom(fourth)).toBe(false);
  });

  it('counts a reserved consume as unanswered from the moment it is reserved, and sends it once', async () => {
    const spec = { name: 'reserve', points: 20, durationSeconds: 60 };
    const mine = [{ spec, key: 'v' }];
    await limits.consumeAll(mine);
    expect(limits.hasRoom(mine)).toBe(true);
    // Callers that found room and have not sent their consume yet use it up for the next ones: 1 + 13 leaves 6, then none.
    const reservations = Array.from({ length: 13 }, () => limits.reserve(mine));
    expect(limits.hasRoom(mine)).toBe(true);
    reservations.push(limits.reserve(mine));
    expect(limits.hasRoom(mine)).toBe(false);
    expect(await count(spec, 'v')).toBe('1');
    await Promise.all(reservations.map((r) => r.send()));
    await Promise.all(reservations.map((r) => r.send()));
    expect(await count(spec, 'v')).toBe('15');
    expect(limits.hasRoom(mine)).toBe(false);
  });

  it('sends consumes nobody waits for together, at most one script call per interval, and all of them at shutdown', async () => {
    const spec = { name: 'later', points: 1000, durationSeconds: 60 };
    const mine = [{ spec, key: 'l' }];
    const scripts: number[] = [];
    const evalsha = redis.client.evalsha.bind(redis.client);
    const counted = (...args: Parameters<typeof evalsha>) => {
      scripts.push(Number(args[1]));
      return evalsha(...args);
    };
    redis.client.evalsha = counted as typeof evalsha;
    try {
      await limits.consumeAll(mine);
      scripts.length = 0;
      // Ten calls let through a millisecond or so apart: each counted here at once, all of them sent in one script
      // call per interval (and one first), where sent at once they would take one each; each is sent once however
      // often it is released.
      const reservations: Reservation[] = [];
      const began = performance.now();
      for (let i = 0; i < 10; i++) {
        const r = limits.reserve(mine);
        reservations.push(r);
        r.sendLater();
        r.sendLater();
        await new Promise((done) => setTimeout(done, 1));
      }
      const intervals = Math.ceil((performance.now() - began) / 20);
      expect(limits.hasRoom(mine)).toBe(true);
      // send() after sendLater() is the same consume: this waits for the deferred ones, it sends nothing.
      await Promise.all(reservations.map((r) => r.send()));
      expect(await count(spec, 'l')).toBe('11');
      expect(scripts.length).toBeLessThanOrEqual(intervals + 1);
      expect(scripts.reduce((a, b) => a + b, 0)).toBe(10);

      // At shutdown, what waits for the next interval leaves at once.
      scripts.length = 0;
      const last = limits.reserve(mine);
      limits.reserve(mine).sendLater();
      last.sendLater();
      const destroyed = limits.onModuleDestroy();
      expect(scripts).toEqual([2]);
      await destroyed;
      await last.send();
      expect(await count(spec, 'l')).toBe('13');
    } finally {
      redis.client.evalsha = evalsha;
    }
  });
});

describe('rate limits at shutdown', () => {
  it('sends the consumes still waiting for their interval before the app closes Redis', async () => {
    const env = { REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? 'gh-test:'}rl-app-${randomBytes(4).toString('hex')}:` };
    const t = await startTestApp(env);
    const spec = { name: 'closing', points: 1000, durationSeconds: 60 };
    const mine = [{ spec, key: 'z' }];
    const limits = t.app.get(RateLimitService);
    await limits.consumeAll(mine);
    // The first leaves on the next turn; the two after it wait for the interval, which the app's close comes before.
    limits.reserve(mine).sendLater();
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 2; i++) limits.reserve(mine).sendLater();
    await t.close();
    const redis = new RedisService(parseEnv({ ...process.env, ...env }));
    await redis.onModuleInit();
    try {
      expect(await redis.client.get(redis.key('rl', spec.name) + ':z')).toBe('4');
    } finally {
      await redis.onModuleDestroy();
    }
  });
});
