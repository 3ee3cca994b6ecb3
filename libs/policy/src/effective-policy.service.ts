import { Injectable, Logger } from '@nestjs/common';
import { compilePolicy, InvalidPolicyError, type CompiledPolicy } from './policy.compile.js';
import { PolicyStoreRepository, type StoredPolicyRef } from './policy-store.repository.js';

const LOOKUP_TTL_MS = 1000;

interface Lookup {
  ref: Promise<StoredPolicyRef | null>;
  expires: number;
}

/**
 * Which policy judges a call (SPEC §3): the credential's, else the gateway's,
 * else the org default, else none (allow). Lookups are cached for a second
 * per replica and compiled policies by version, so the hot path neither
 * queries nor recompiles.
 */
@Injectable()
export class EffectivePolicyService {
  private readonly logger = new Logger(EffectivePolicyService.name);
  private readonly lookups = new Map<string, Lookup>();
  private readonly compiled = new Map<string, CompiledPolicy>();

  constructor(private readonly store: PolicyStoreRepository) {}

  async resolve(orgId: string, ids: { credentialPolicyId: string | null; gatewayPolicyId: string | null }): Promise<CompiledPolicy | null> {
    const ref =
      (ids.credentialPolicyId && (await this.lookup(`${orgId}:${ids.credentialPolicyId}`, () => this.store.findForEvaluation(orgId, ids.credentialPolicyId!)))) ||
      (ids.gatewayPolicyId && (await this.lookup(`${orgId}:${ids.gatewayPolicyId}`, () => this.store.findForEvaluation(orgId, ids.gatewayPolicyId!)))) ||
      (await this.lookup(`${orgId}:default`, () => this.store.findOrgDefault(orgId)));
    return ref ? this.compile(ref) : null;
  }

  /**
   * Starts the lookups that resolving for this credential needs whichever the gateway turns out to be (its own
   * policy, else the org default), so that after a pause they run alongside the gateway's instead of after it.
   */
  prefetch(orgId: string, credentialPolicyId: string | null): void {
    const started = credentialPolicyId
      ? this.lookup(`${orgId}:${credentialPolicyId}`, () => this.store.findForEvaluation(orgId, credentialPolicyId))
      : this.lookup(`${orgId}:default`, () => this.store.findOrgDefault(orgId));
    started.catch(() => undefined);
  }

  /** A lookup in flight is shared, and kept for a second from when it started; a failed one is forgotten. */
  private lookup(key: string, load: () => Promise<StoredPolicyRef | null>): Promise<StoredPolicyRef | null> {
    const now = Date.now();
    const hit = this.lookups.get(key);
    if (hit && hit.expires > now) return hit.ref;
    if (this.lookups.size > 10_000) this.lookups.clear();
    const ref = load();
    this.lookups.set(key, { ref, expires: now + LOOKUP_TTL_MS });
    ref.catch(() => {
      if (this.lookups.get(key)?.ref === ref) this.lookups.delete(key);
    });
    return ref;
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
