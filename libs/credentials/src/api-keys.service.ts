import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, toPage, ValidationError, type Page } from '@gatehouse/common';
import { AdminAuditService } from '@gatehouse/audit';
import { ApiKeysRepository, type ApiKey } from './api-keys.repository.js';
import { CredentialCache } from './credential-cache.js';
import { issueApiKeySecret } from './credential-secrets.js';
import { CredentialBindingsRepository } from './credential-bindings.repository.js';
import type { Actor } from './principal.js';
import { isScope } from './scopes.js';

export interface CreateApiKeyInput {
  name: string;
  scopes?: string[];
  memberId?: string | null;
  agentId?: string | null;
  policyId?: string | null;
  gatewayId?: string | null;
  expiresAt?: Date | null;
}

export interface UpdateApiKeyInput {
  name?: string;
  scopes?: string[];
  expiresAt?: Date | null;
  agentId?: string | null;
  policyId?: string | null;
  gatewayId?: string | null;
}

export interface ApiKeyWithSecret {
  apiKey: ApiKey;
  secret: string;
}

export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 3600;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly bindings: CredentialBindingsRepository,
    private readonly cache: CredentialCache,
    private readonly audit: AdminAuditService,
  ) {}

  async create(orgId: string, input: CreateApiKeyInput, actor: Actor): Promise<ApiKeyWithSecret> {
    const scopes = validateScopes(input.scopes ?? ['mcp:call']);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new ValidationError([{ field: 'expires_at', message: 'must be in the future' }]);
    }
    await this.bindings.assertBindable(orgId, input);
    const issued = issueApiKeySecret();
    const apiKey = await this.repo.create(orgId, {
      id: newId('key'),
      name: input.name,
      prefix: issued.prefix,
      secretHash: issued.hash,
      scopes,
      memberId: input.memberId ?? null,
      agentId: input.agentId ?? null,
      policyId: input.policyId ?? null,
      gatewayId: input.gatewayId ?? null,
      expiresAt: input.expiresAt ?? null,
      createdBy: actor.id,
    });
    await this.audit.record(orgId, actor, 'create', 'api_key', apiKey.id);
    return { apiKey, secret: issued.secret };
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<ApiKey>> {
    return toPage(await this.repo.list(orgId, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<ApiKey> {
    const key = await this.repo.findById(orgId, id);
    if (!key) throw new NotFoundError('api_key', id);
    return key;
  }

  async update(orgId: string, id: string, input: UpdateApiKeyInput, actor: Actor): Promise<ApiKey> {
    const scopes = input.scopes ? validateScopes(input.scopes) : undefined;
    await this.bindings.assertBindable(orgId, input);
    const key = await this.repo.update(orgId, id, {
      name: input.name,
      scopes,
      expiresAt: input.expiresAt,
      agentId: input.agentId,
      policyId: input.policyId,
      gatewayId: input.gatewayId,
      updatedBy: actor.id,
    });
    await this.afterChange(orgId, id, actor, 'update');
    return key;
  }

  async rotate(orgId: string, id: string, gracePeriodSeconds: number, actor: Actor): Promise<ApiKeyWithSecret> {
    if (gracePeriodSeconds < 0 || gracePeriodSeconds > MAX_GRACE_PERIOD_SECONDS) {
      throw new ValidationError([{ field: 'grace_period_seconds', message: `must be between 0 and ${MAX_GRACE_PERIOD_SECONDS}` }]);
    }
    const issued = issueApiKeySecret();
    const previousExpiresAt = gracePeriodSeconds > 0 ? new Date(Date.now() + gracePeriodSeconds * 1000) : null;
    const apiKey = await this.repo.rotate(orgId, id, issued.hash, issued.prefix, previousExpiresAt, actor.id);
    await this.afterChange(orgId, id, actor, 'rotate');
    return { apiKey, secret: issued.secret };
  }

  async setDisabled(orgId: string, id: string, disabled: boolean, actor: Actor): Promise<ApiKey> {
    const key = await this.repo.update(orgId, id, { disabled, updatedBy: actor.id });
    await this.afterChange(orgId, id, actor, disabled ? 'disable' : 'enable');
    return key;
  }

  async delete(orgId: string, id: string, actor: Actor): Promise<void> {
    await this.repo.delete(orgId, id);
    await this.afterChange(orgId, id, actor, 'delete');
  }

  private async afterChange(orgId: string, id: string, actor: Actor, action: 'update' | 'rotate' | 'disable' | 'enable' | 'delete'): Promise<void> {
    await this.cache.invalidate(id);
    await this.audit.record(orgId, actor, action, 'api_key', id);
  }
}

export function validateScopes(scopes: string[]): string[] {
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length) {
    throw new ValidationError([{ field: 'scopes', message: `unknown scope(s): ${unknown.join(', ')}` }]);
  }
  return [...new Set(scopes)];
}
