import { OAuthError } from '@gatehouse/credentials';

export interface TokenForm {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  scope: string | undefined;
  usedBasic: boolean;
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  // A repeated parameter arrives as an array: RFC 6749 §3.2 forbids repeats.
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must appear once`);
  return value;
}

/**
 * Reads the token request: client authentication by HTTP Basic (RFC 6749
 * §2.3.1, form-urlencoded credentials) or by form fields, never both.
 */
export function readClientCredentials(authorization: string | undefined, rawBody: unknown): TokenForm {
  const body = typeof rawBody === 'object' && rawBody !== null ? (rawBody as Record<string, unknown>) : {};
  const form = {
    grantType: field(body, 'grant_type'),
    clientId: field(body, 'client_id'),
    clientSecret: field(body, 'client_secret'),
    scope: field(body, 'scope'),
  };
  if (!authorization) return { ...form, usedBasic: false };

  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!match) throw new OAuthError('invalid_client', 'Unsupported Authorization scheme; use HTTP Basic', true);
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials', true);
  if (form.clientSecret !== undefined) {
    throw new OAuthError('invalid_request', 'Use one client authentication method, not both');
  }
  const basicId = safeDecode(decoded.slice(0, colon));
  if (form.clientId !== undefined && form.clientId !== basicId) {
    throw new OAuthError('invalid_request', 'client_id in the body does not match HTTP Basic credentials');
  }
  return { ...form, clientId: basicId, clientSecret: safeDecode(decoded.slice(colon + 1)), usedBasic: true };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials', true);
  }
}
