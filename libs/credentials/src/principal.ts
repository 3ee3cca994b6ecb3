/** Who is calling: resolved once per request by the authenticator. */
export interface Principal {
  kind: 'api_key' | 'oauth_client';
  /** key_… or cli_… */
  credentialId: string;
  orgId: string;
  orgSlug: string;
  scopes: string[];
  agentId: string | null;
  memberId: string | null;
  policyId: string | null;
  /** The gateway a request that names none uses (else the org's default). */
  gatewayId: string | null;
}

export type Actor =
  | { type: 'platform_admin'; id: 'platform_admin' }
  | { type: 'api_key'; id: string }
  | { type: 'oauth_client'; id: string };

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'api_key'
    ? { type: 'api_key', id: principal.credentialId }
    : { type: 'oauth_client', id: principal.credentialId };
}

export const PLATFORM_ADMIN: Actor = { type: 'platform_admin', id: 'platform_admin' };
