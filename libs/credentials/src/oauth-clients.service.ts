import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, safeEqual, sha256Hex, toPage, ValidationError, type Page } from '@gatehouse/common';
import { AdminAuditService } from '@gatehouse/audit';
import { MAX_GRACE_PERIOD_SECONDS, validateScopes } from './api-keys.service.js';
import { CredentialBindingsRepository } from './credential-bindings.repository.js';
import { CredentialCache } from './credential-cache.js';
import { issueClientSecret } from './credential-secrets.js';
import { OAuthClientsRepository, type OAuthClient, type OAuthClientAuthRecord } from './oauth-clients.repository.js';
import type { Actor } from './principal.js';

export interface OAuthClientWithSecret {
  client: OAuthClient;
  secret: string;
}

@Injectable()
export class OAuthClientsService {
  constructor(
    private readonly repo: OAuthClientsRepository,
    private readonly cache: CredentialCache,
    private readonly audit: AdminAuditService,
    private readonly bindings: CredentialBindingsRepository,
  ) {}

  async create(
    orgId: string,
    input: { name: string; scopes?: string[]; agentId?: string | null; policyId?: string | null; gatewayId?: string | null },
    actor: Actor,
  ): Promise<OAuthClientWithSecret> {
    const scopes = validateScopes(input.scopes ?? ['mcp:call']);
    await this.bindings.assertBindable(orgId, input);
    const issued = issueClientSecret();
    const client = await this.repo.create(orgId, {
      id: newId('cli'),
      name: input.name,
      secretHash: issued.hash,
      scopes,
      agentId: input.agentId ?? null,
      policyId: input.policyId ?? null,
      gatewayId: input.gatewayId ?? null,
      createdBy: actor.id,
    });
    await this.audit.record(orgId, actor, 'create', 'oauth_client', client.id);
    return { client, secret: issued.secret };
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<OAuthClient>> {
    return toPage(await this.repo.list(orgId, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<OAuthClient> {
    const client = await this.repo.findById(orgId, id);
    if (!client) throw new NotFoundError('oauth_client', id);
    return client;
  }

  async update(
    orgId: string,
    id: string,
    input: { name?: string; scopes?: string[]; disabled?: boolean; agentId?: string | null; policyId?: string | null; gatewayId?: string | null },
    actor: Actor,
  ): Promise<OAuthClient> {
    const scopes = input.scopes ? validateScopes(input.scopes) : undefined;
    await this.bindings.assertBindable(orgId, input);
    const client = await this.repo.update(orgId, id, { ...input, scopes, updatedBy: actor.id });
    await this.afterChange(orgId, id, actor, 'update');
    return client;
  }

  async rotateSecret(orgId: string, id: string, gracePeriodSeconds: number, actor: Actor): Promise<OAuthClientWithSecret> {
    if (gracePeriodSeconds < 0 || gracePeriodSeconds > MAX_GRACE_PERIOD_SECONDS) {
      throw new ValidationError([{ field: 'grace_period_seconds', message: `must be between 0 and ${MAX_GRACE_PERIOD_SECONDS}` }]);
    }
    const issued = issueClientSecret();
    const previousExpiresAt = gracePeriodSeconds > 0 ? new Date(Date.now() + gracePeriodSeconds * 1000) : null;
    const client = await this.repo.rotate(orgId, id, issued.hash, previousExpiresAt, actor.id);
    await this.afterChange(orgId, id, actor, 'rotate');
    return { client, secret: issued.secret };
  }

  async delete(orgId: string, id: string, actor: Actor): Promise<void> {
    await this.repo.delete(orgId, id);
    await this.afterChange(orgId, id, actor, 'delete');
  }

  /** The current state of a client, through the replica-coherent cache. */
  async findActive(clientId: string): Promise<OAuthClientAuthRecord | null> {
    const record = await this.cache.getOrLoad(`oc:${clientId}`, () => this.repo.findForAuthentication(clientId));
    return record && !record.disabled ? record : null;
  }

  /** Client authentication for the token endpoint; null when the pair is not valid. */
  async verifySecret(clientId: string, secret: string): Promise<OAuthClientAuthRecord | null> {
    const record = await this.findActive(clientId);
    if (!record) {
      safeEqual(sha256Hex(secret), sha256Hex(''));
      return null;
    }
    const hash = sha256Hex(secret);
    if (safeEqual(hash, record.secretHash)) return record;
    const graceOk = record.previousSecretHash && record.previousExpiresAt && record.previousExpiresAt > Date.now();
    return graceOk && safeEqual(hash, record.previousSecretHash!) ? record : null;
  }

  private async afterChange(orgId: string, id: string, actor: Actor, action: 'update' | 'rotate' | 'delete'): Promise<void> {
    await this.cache.invalidate(id);
    await this.audit.record(orgId, actor, action, 'oauth_client', id);
  }
}
