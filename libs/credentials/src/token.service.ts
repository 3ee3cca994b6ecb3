import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, SignJWT, type JWK } from 'jose';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { loadSigningKey, type SigningKey } from './signing-keys.js';

export interface AccessTokenClaims {
  orgId: string;
  orgSlug: string;
  clientId: string;
  agentId: string | null;
  scopes: string[];
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export class InvalidTokenError extends Error {}

/** Tokens remembered as verified; beyond this many, the oldest go first. */
const MAX_VERIFIED = 10_000;

/** Issues and verifies EdDSA-signed access tokens (RFC 9068 profile). */
@Injectable()
export class TokenService implements OnModuleInit {
  private key!: SigningKey;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly ttl: number;
  /**
   * Tokens already verified, with their claims and when they expire: a
   * token's signature and claims are checked once, not on every request
   * (jose's EdDSA verification, through WebCrypto, cost about 0.2 ms of CPU
   * per request). Keyed by the whole token, so only the very token verified
   * is let through; it stops at its expiry as before, and the client's
   * standing is still checked on every request by the caller.
   */
  private readonly verified = new Map<string, { claims: Readonly<AccessTokenClaims>; expiresAt: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: Env) {
    this.issuer = config.JWT_ISSUER;
    this.audience = config.JWT_AUDIENCE;
    this.ttl = config.ACCESS_TOKEN_TTL_SECONDS;
  }

  async onModuleInit(): Promise<void> {
    this.key = await loadSigningKey(this.config.JWT_PRIVATE_KEY);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.key.publicJwk] };
  }

  async issue(claims: AccessTokenClaims): Promise<IssuedToken> {
    const accessToken = await new SignJWT({
      org: claims.orgId,
      org_slug: claims.orgSlug,
      client_id: claims.clientId,
      agent: claims.agentId ?? undefined,
      scope: claims.scopes.join(' '),
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(claims.clientId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttl}s`)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { accessToken, expiresIn: this.ttl };
  }

  /** Only EdDSA with our kid, our issuer and audience; expiry enforced. */
  async verify(token: string): Promise<Readonly<AccessTokenClaims>> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > Date.now()) return known.claims;
      this.verified.delete(token);
      throw new InvalidTokenError('token has expired');
    }
    const { claims, expiresAt } = await this.check(token);
    if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { claims, expiresAt });
    return claims;
  }

  private async check(token: string): Promise<{ claims: Readonly<AccessTokenClaims>; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          if (header.kid !== this.key.kid) throw new InvalidTokenError('unknown key id');
          return this.key.publicKey;
        },
        { algorithms: ['EdDSA'], issuer: this.issuer, audience: this.audience, requiredClaims: ['exp', 'sub'] },
      );
      const { org, org_slug: orgSlug, client_id: clientId, agent, scope } = payload;
      if (typeof org !== 'string' || typeof orgSlug !== 'string' || typeof clientId !== 'string' || typeof scope !== 'string') {
        throw new InvalidTokenError('token is missing required claims');
      }
      const claims: AccessTokenClaims = { orgId: org, orgSlug, clientId, agentId: typeof agent === 'string' ? agent : null, scopes: scope.split(' ').filter(Boolean) };
      // requiredClaims: exp is there, and a number (jose checked it against the clock).
      return { claims: Object.freeze(claims), expiresAt: (payload.exp as number) * 1000 };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('token has expired');
      if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError('token is invalid');
      throw err;
    }
  }
}
