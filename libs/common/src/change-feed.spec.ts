import { describe, expect, it } from '@jest/globals';
import { ChangeAwareCache, ManualChangeFeed } from './change-feed.js';
import { TtlCache } from './ttl-cache.js';

/** A loader that counts its calls and answers what `value` holds at the time. */
function loader(initial: string) {
  const state = { value: initial, calls: 0 };
  return { state, load: () => Promise.resolve(`${state.value}#${++state.calls}`) };
}

describe('TtlCache.deleteScope', () => {
  it('forgets the scope and the keys under it, and no key that merely starts with the same characters', async () => {
    const cache = new TtlCache<string>(60_000);
    for (const key of ['org_1', 'org_1:gw', 'org_1:gw:3', 'org_10:gw', 'org_1x']) await cache.get(key, () => Promise.resolve(key));
    cache.deleteScope('org_1');
    expect(cache.size).toBe(2);
    expect(await cache.get('org_10:gw', () => Promise.resolve('reloaded'))).toBe('org_10:gw');
    expect(await cache.get('org_1x', () => Promise.resolve('reloaded'))).toBe('org_1x');
    expect(await cache.get('org_1:gw', () => Promise.resolve('reloaded'))).toBe('reloaded');
  });
});

describe('ChangeAwareCache', () => {
  it('keeps an entry until its scope changes, however long that takes', async () => {
    const feed = new ManualChangeFeed();
    const cache = new ChangeAwareCache<string>(feed, 60_000);
    const l = loader('a');
    expect(await cache.get('org_1:policy', l.load)).toBe('a#1');
    feed.changed('org_2');
    expect(await cache.get('org_1:policy', l.load)).toBe('a#1');
    l.state.value = 'b';
    feed.changed('org_1');
    expect(await cache.get('org_1:policy', l.load)).toBe('b#2');
  });

  it('does not keep a load that was in flight when its scope changed', async () => {
    const feed = new ManualChangeFeed();
    const cache = new ChangeAwareCache<string>(feed, 60_000);
    let release: (v: string) => void = () => undefined;
    const first = cache.get('org_1:gw', () => new Promise<string>((r) => (release = r)));
    feed.changed('org_1');
    release('read before the change');
    expect(await first).toBe('read before the change');
    expect(await cache.get('org_1:gw', () => Promise.resolve('read after'))).toBe('read after');
  });

  it('loads every time while the feed is not live, and forgets what it had when the feed is lost or returns', async () => {
    const feed = new ManualChangeFeed();
    const cache = new ChangeAwareCache<string>(feed, 60_000);
    const l = loader('a');
    expect(await cache.get('org_1:gw', l.load)).toBe('a#1');
    feed.setLive(false);
    expect(await cache.get('org_1:gw', l.load)).toBe('a#2');
    expect(await cache.get('org_1:gw', l.load)).toBe('a#3');
    feed.setLive(true);
    expect(await cache.get('org_1:gw', l.load)).toBe('a#4');
    expect(await cache.get('org_1:gw', l.load)).toBe('a#4');
  });

  it('shares a load in flight while the feed is down, and keeps nothing once it settles', async () => {
    const feed = new ManualChangeFeed();
    const cache = new ChangeAwareCache<string>(feed, 60_000);
    feed.setLive(false);
    const l = loader('a');
    const [x, y] = await Promise.all([cache.get('org_1:gw', l.load), cache.get('org_1:gw', l.load)]);
    expect([x, y]).toEqual(['a#1', 'a#1']);
    expect(await cache.get('org_1:gw', l.load)).toBe('a#2');
  });

  it('still expires entries after its time-to-live, as a backstop', async () => {
    const feed = new ManualChangeFeed();
    const cache = new ChangeAwareCache<string>(feed, 30);
    const l = loader('a');
    expect(await cache.get('org_1:gw', l.load)).toBe('a#1');
    await new Promise((r) => setTimeout(r, 40));
    expect(await cache.get('org_1:gw', l.load)).toBe('a#2');
  });
});
