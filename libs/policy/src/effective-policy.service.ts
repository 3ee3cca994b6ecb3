import { Injectable, Logger } from '@nestjs/common';
import type { ChangeAwareCache } from '@gatehouse/common';
import { DataChangeFeed } from '@gatehouse/db';
import { compilePolicy, InvalidPolicyError, type CompiledPolicy } from './policy.compile.js';
import { PolicyStoreRepository, type StoredPolicyRef } from './policy-store.repository.js';

/**
 * Which policy judges a call (SPEC §3): the credential's, else the gateway's,
 * else the org default, else none (allow). Lookups are kept per replica until
 * a policy of the org changes (DataChangeFeed), and compiled policies by
 * version, so the hot path neither queries nor recompiles.
 */
@Injectable()
export class EffectivePolicyService {
  private readonly logger = new Logger(EffectivePolicyService.name);
  /** Lookups in flight are shared; a failed one is forgotten. */
  private readonly lookups: ChangeAwareCache<StoredPolicyRef | null>;
  private readonly compiled = new Map<string, CompiledPolicy>();

  constructor(
    private readonly store: PolicyStoreRepository,
    changes: DataChangeFeed,
  ) {
    this.lookups = changes.cache();
  }

  async resolve(orgId: string, ids: { credentialPolicyId: string | null; gatewayPolicyId: string | null }): Promise<CompiledPolicy | null> {
    const ref =
      (ids.credentialPolicyId && (await this.byId(orgId, ids.credentialPolicyId))) ||
      (ids.gatewayPolicyId && (await this.byId(orgId, ids.gatewayPolicyId))) ||
      (await this.orgDefault(orgId));
    return ref ? this.compile(ref) : null;
  }

  /**
   * Starts the lookups that resolving for this credential needs whichever the gateway turns out to be (its own
   * policy, else the org default), so that after a pause they run alongside the gateway's instead of after it.
   */
  prefetch(orgId: string, credentialPolicyId: string | null): void {
    (credentialPolicyId ? this.byId(orgId, credentialPolicyId) : this.orgDefault(orgId)).catch(() => undefined);
  }

  private byId(orgId: string, id: string): Promise<StoredPolicyRef | null> {
    return this.lookups.get(`${orgId}:${id}`, () => this.store.findForEvaluation(orgId, id));
  }

  private orgDefault(orgId: string): Promise<StoredPolicyRef | null> {
    return this.lookups.get(`${orgId}:default`, () => this.store.findOrgDefault(orgId));
  }

  private compile(ref: StoredPolicyRef): CompiledPolicy {
    const key = `${ref.document.id}:${ref.version}`;
    let policy = this.compiled.get(key);
    if (!policy) {
      try {
        policy = compilePolicy(ref.document);
      } catch (err) {
        // A stored policy that no longer compiles must not silently allow: deny everything instead.
        if (!(err instanceof InvalidPolicyError)) throw err;
        this.logger.error(`policy ${ref.document.id} does not compile; denying its calls`);
        policy = compilePolicy({ ...ref.document, rules: [], default_action: 'deny' });
      }
      if (this.compiled.size > 1000) this.compiled.clear();
      this.compiled.set(key, policy);
    }
    return policy;
  }
}
