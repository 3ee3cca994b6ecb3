import { Injectable } from '@nestjs/common';
import { sha256Hex, UnauthenticatedError } from '@gatehouse/common';
import { ApiKeysRepository } from './api-keys.repository.js';
import { CredentialCache } from './credential-cache.js';
import { looksLikeApiKey } from './credential-secrets.js';
import { LastUsedTracker } from './last-used.tracker.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import type { Principal } from './principal.js';
import { InvalidTokenError, TokenService } from './token.service.js';

export interface CredentialHeaders {
  authorization?: string;
  apiKey?: string;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Turns request headers into a Principal: an API key (Bearer or X-API-Key) or
 * an access token issued by /oauth/token. Lookups go through the credential
 * cache, so a warm request costs a hash and a map read.
 */
@Injectable()
export class AuthenticatorService {
  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly clients: OAuthClientsService,
    private readonly tokens: TokenService,
    private readonly cache: CredentialCache,
    private readonly lastUsed: LastUsedTracker,
  ) {}

  async authenticate(headers: CredentialHeaders): Promise<Principal> {
    const presented = extractCredential(headers);
    if (looksLikeApiKey(presented)) return this.fromApiKey(presented);
    if (JWT_SHAPE.test(presented)) return this.fromAccessToken(presented);
    throw new UnauthenticatedError('Invalid API key or access token');
  }

  private async fromApiKey(secret: string): Promise<Principal> {
    const hash = sha256Hex(secret);
    const record = await this.cache.getOrLoad(`ak:${hash}`, () => this.apiKeys.findForAuthentication(hash));
    if (!record) throw new UnauthenticatedError('Invalid API key or access token');
    if (record.disabled) throw new UnauthenticatedError('API key is disabled', 'credential_disabled');
    if (record.validUntil !== null && record.validUntil <= Date.now()) {
      throw new UnauthenticatedError('API key has expired', 'credential_expired');
    }
    this.lastUsed.touch('api_key', record.id, record.agentId);
    return {
      kind: 'api_key',
      credentialId: record.id,
      orgId: record.orgId,
      orgSlug: record.orgSlug,
      scopes: record.scopes,
      agentId: record.agentId,
      memberId: record.memberId,
      policyId: record.policyId,
      gatewayId: record.gatewayId,
    };
  }

  private async fromAccessToken(token: string): Promise<Principal> {
    let claims;
    try {
      claims = await this.tokens.verify(token);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw new UnauthenticatedError(`Access token rejected: ${err.message}`, 'invalid_token');
      throw err;
    }
    // A token outlives nothing: a deleted or disabled client's tokens stop working.
    const client = await this.clients.findActive(claims.clientId);
    if (!client || client.orgId !== claims.orgId) {
      throw new UnauthenticatedError('Access token rejected: client no longer exists or is disabled', 'invalid_token');
    }
    this.lastUsed.touch('oauth_client', client.id, client.agentId);
    const allowed = new Set(client.scopes);
    return {
      kind: 'oauth_client',
      credentialId: client.id,
      orgId: client.orgId,
      orgSlug: client.orgSlug,
      // Scopes removed from the client since issuance are removed from its tokens too.
      scopes: claims.scopes.filter((s) => allowed.has(s)),
      agentId: client.agentId,
      memberId: null,
      policyId: client.policyId,
      gatewayId: client.gatewayId,
    };
  }
}

export function extractCredential(headers: CredentialHeaders): string {
  if (headers.apiKey) return headers.apiKey.trim();
  const auth = headers.authorization;
  if (!auth) throw new UnauthenticatedError('Authorization header required');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!match) throw new UnauthenticatedError("Invalid authorization format. Use 'Bearer <api_key>'");
  return match[1];
}
