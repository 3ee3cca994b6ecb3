import { describe, expect, it } from '@jest/globals';
import { ChangeAwareCache, ManualChangeFeed } from '@gatehouse/common';
import type { DataChangeFeed } from '@gatehouse/db';
import { EffectivePolicyService } from './effective-policy.service.js';
import type { PolicyStoreRepository, StoredPolicyRef } from './policy-store.repository.js';

/** A store whose answers the test releases by hand, counting what was asked. */
function store() {
  const asked: string[] = [];
  const pending: { key: string; settle: (ref: StoredPolicyRef | null, fail?: boolean) => void }[] = [];
  const ask = (key: string) =>
    new Promise<StoredPolicyRef | null>((resolve, reject) => {
      asked.push(key);
      pending.push({ key, settle: (ref, fail) => (fail ? reject(new Error('database down')) : resolve(ref)) });
    });
  const repo = {
    findForEvaluation: (orgId: string, id: string) => ask(`${orgId}:${id}`),
    findOrgDefault: (orgId: string) => ask(`${orgId}:default`),
  } as unknown as PolicyStoreRepository;
  const answer = async (key: string, ref: StoredPolicyRef | null, fail = false) => {
    const i = pending.findIndex((p) => p.key === key);
    pending.splice(i, 1)[0].settle(ref, fail);
    await new Promise((r) => setImmediate(r));
  };
  return { repo, asked, answer };
}

function service(repo: PolicyStoreRepository, feed = new ManualChangeFeed()): EffectivePolicyService {
  const changes = { cache: () => new ChangeAwareCache(feed, 300_000) } as unknown as DataChangeFeed;
  return new EffectivePolicyService(repo, changes);
}

const ref = (id: string): StoredPolicyRef => ({ document: { id, name: id, rules: [], default_action: 'deny' }, version: `v-${id}` });

describe('EffectivePolicyService', () => {
  it('shares a prefetched lookup with the resolve that follows, instead of asking twice', async () => {
    const s = store();
    const policies = service(s.repo);
    policies.prefetch('org_1', null);
    const resolved = policies.resolve('org_1', { credentialPolicyId: null, gatewayPolicyId: null });
    await s.answer('org_1:default', ref('pol_default'));
    expect((await resolved)?.name).toBe('pol_default');
    expect(s.asked).toEqual(['org_1:default']);
  });

  it('prefetches the credential’s own policy when it has one, and still falls back when that one is gone', async () => {
    const s = store();
    const policies = service(s.repo);
    policies.prefetch('org_1', 'pol_cred');
    expect(s.asked).toEqual(['org_1:pol_cred']);
    const resolved = policies.resolve('org_1', { credentialPolicyId: 'pol_cred', gatewayPolicyId: 'pol_gw' });
    await s.answer('org_1:pol_cred', null);
    await s.answer('org_1:pol_gw', ref('pol_gw'));
    expect((await resolved)?.name).toBe('pol_gw');
    expect(s.asked).toEqual(['org_1:pol_cred', 'org_1:pol_gw']);
  });

  it('forgets a failed lookup: the next call asks again', async () => {
    const s = store();
    const policies = service(s.repo);
    policies.prefetch('org_1', null);
    await s.answer('org_1:default', null, true);
    const resolved = policies.resolve('org_1', { credentialPolicyId: null, gatewayPolicyId: null });
    await s.answer('org_1:default', null);
    expect(await resolved).toBeNull();
    expect(s.asked).toEqual(['org_1:default', 'org_1:default']);
  });

  it('keeps a lookup until a policy of its org changes, and bypasses the cache while the feed is down', async () => {
    const s = store();
    const feed = new ManualChangeFeed();
    const policies = service(s.repo, feed);
    const resolve = (org: string) => policies.resolve(org, { credentialPolicyId: null, gatewayPolicyId: null });
    const first = resolve('org_1');
    await s.answer('org_1:default', ref('pol_a'));
    expect((await first)?.name).toBe('pol_a');
    expect((await resolve('org_1'))?.name).toBe('pol_a');
    expect(s.asked).toEqual(['org_1:default']);

    feed.changed('org_2');
    expect((await resolve('org_1'))?.name).toBe('pol_a');
    feed.changed('org_1');
    const second = resolve('org_1');
    await s.answer('org_1:default', ref('pol_b'));
    expect((await second)?.name).toBe('pol_b');

    feed.setLive(false);
    const third = resolve('org_1');
    await s.answer('org_1:default', ref('pol_c'));
    expect((await third)?.name).toBe('pol_c');
    const fourth = resolve('org_1');
    await s.answer('org_1:default', ref('pol_c'));
    await fourth;
    expect(s.asked).toEqual(['org_1:default', 'org_1:default', 'org_1:default', 'org_1:default']);
  });
});
