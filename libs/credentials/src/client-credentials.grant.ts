import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { RateLimitService } from '@gatehouse/rate-limit';
import { OAuthClientsService } from './oauth-clients.service.js';
import { isScope } from './scopes.js';
import { TokenService } from './token.service.js';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** RFC 6749 §5.2 error; the token endpoint answers these in the RFC's own body. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** Client authentication was attempted with the Authorization header (RFC 6749 §5.2, 401). */
    readonly viaBasic = false,
  ) {
    super(description);
  }
}

export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  scope: string | undefined;
  usedBasic: boolean;
  ip: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

const DEFAULT_SCOPE = 'mcp:call';

/** RFC 6749 §4.4: the client credentials grant. */
@Injectable()
export class ClientCredentialsGrant {
  constructor(
    private readonly clients: OAuthClientsService,
    private readonly tokens: TokenService,
    private readonly limits: RateLimitService,
    @Inject(APP_CONFIG) private readonly config: Env,
  ) {}

  async exchange(req: TokenRequest): Promise<TokenResponse> {
    await this.limit({ name: 'token-ip', points: this.config.TOKEN_RATE_LIMIT_PER_IP }, req.ip);
    if (!req.grantType) throw new OAuthError('invalid_request', 'grant_type is required');
    if (req.grantType !== 'client_credentials') {
      throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported');
    }
    if (!req.clientId || !req.clientSecret) {
      throw new OAuthError('invalid_client', 'Client authentication is required (client_id and client_secret)', req.usedBasic);
    }
    await this.limit({ name: 'token-client', points: this.config.TOKEN_RATE_LIMIT_PER_CLIENT }, req.clientId);
    const client = await this.clients.verifySecret(req.clientId, req.clientSecret);
    if (!client) throw new OAuthError('invalid_client', 'Client authentication failed', req.usedBasic);

    const requested = req.scope === undefined ? [DEFAULT_SCOPE] : req.scope.split(' ').filter(Boolean);
    if (requested.length === 0) throw new OAuthError('invalid_scope', 'scope must not be empty');
    const unknown = requested.filter((s) => !isScope(s));
    if (unknown.length) throw new OAuthError('invalid_scope', `Unknown scope: ${unknown.join(' ')}`);
    const notAllowed = requested.filter((s) => !client.scopes.includes(s));
    if (notAllowed.length) throw new OAuthError('invalid_scope', `Scope not allowed for this client: ${notAllowed.join(' ')}`);
    const scopes = [...new Set(requested)];

    const token = await this.tokens.issue({
      orgId: client.orgId,
      orgSlug: client.orgSlug,
      clientId: client.id,
      agentId: client.agentId,
      scopes,
    });
    return { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn, scope: scopes.join(' ') };
  }

  private limit(spec: { name: string; points: number }, key: string): Promise<void> {
    return this.limits.consume({ ...spec, durationSeconds: 60 }, key);
  }
}
