import type { FieldProblem } from '@gatehouse/common';
import { CONNECTOR_TYPES, SECRET_MASK, type ConnectorConfig, type ConnectorType } from './connector-config.js';
import { isSealed, open, seal, type KeyRing } from './secret-box.js';

type Json = Record<string, unknown>;
type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldProblem[] };

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'mcp-session-id']);

export function isConnectorType(v: unknown): v is ConnectorType {
  return typeof v === 'string' && (CONNECTOR_TYPES as readonly string[]).includes(v);
}

function stringMap(value: unknown, field: string, key: RegExp, errors: FieldProblem[], forbidden?: Set<string>): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObj(value)) {
    errors.push({ field, message: 'must be an object of strings' });
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!key.test(k) || forbidden?.has(k.toLowerCase())) errors.push({ field: `${field}.${k}`, message: 'is not an allowed name' });
    else if (typeof v !== 'string' || v.length > 8192) errors.push({ field: `${field}.${k}`, message: 'must be a string of at most 8192 characters' });
    else out[k] = v;
  }
  if (Object.keys(value).length > 50) errors.push({ field, message: 'may hold at most 50 entries' });
  return out;
}

function allowOnly(config: Json, keys: string[], errors: FieldProblem[]): void {
  for (const k of Object.keys(config)) if (!keys.includes(k)) errors.push({ field: `config.${k}`, message: 'is not a known field for this type' });
}

/** Validates a complete config for its type (plain values, as a tenant sends them). */
export function validateConnectorConfig(type: ConnectorType, raw: unknown): Result<ConnectorConfig> {
  const errors: FieldProblem[] = [];
  if (!isObj(raw)) return { ok: false, errors: [{ field: 'config', message: 'must be an object' }] };
  switch (type) {
    case 'mcp_http':
    case 'mcp_sse': {
      allowOnly(raw, ['url', 'headers'], errors);
      if (typeof raw.url !== 'string' || raw.url.length > 2048) errors.push({ field: 'config.url', message: 'must be a URL string' });
      const headers = stringMap(raw.headers, 'config.headers', HEADER_NAME, errors, FORBIDDEN_HEADERS);
      return errors.length ? { ok: false, errors } : { ok: true, value: { type, config: { url: raw.url as string, ...(headers ? { headers } : {}) } } };
    }
    case 'mcp_stdio': {
      allowOnly(raw, ['command', 'args', 'env'], errors);
      if (typeof raw.command !== 'string' || !raw.command.startsWith('/')) {
        errors.push({ field: 'config.command', message: 'must be an absolute path on the operator’s STDIO_ALLOWLIST' });
      }
      const args = raw.args ?? [];
      if (!Array.isArray(args) || args.length > 64 || args.some((a) => typeof a !== 'string' || a.length > 4096)) {
        errors.push({ field: 'config.args', message: 'must be an array of at most 64 strings' });
      }
      const env = stringMap(raw.env, 'config.env', ENV_NAME, errors);
      return errors.length
        ? { ok: false, errors }
        : { ok: true, value: { type, config: { command: raw.command as string, args: args as string[], ...(env ? { env } : {}) } } };
    }
    case 'postgresql': {
      allowOnly(raw, ['host', 'port', 'database', 'username', 'password', 'ssl'], errors);
      if (typeof raw.host !== 'string' || !raw.host || raw.host.length > 255) errors.push({ field: 'config.host', message: 'must be a host name or address' });
      const port = raw.port ?? 5432;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) errors.push({ field: 'config.port', message: 'must be an integer between 1 and 65535' });
      if (typeof raw.database !== 'string' || !raw.database) errors.push({ field: 'config.database', message: 'must be a database name' });
      if (typeof raw.username !== 'string' || !raw.username) errors.push({ field: 'config.username', message: 'must be a user name' });
      if (raw.password !== undefined && typeof raw.password !== 'string') errors.push({ field: 'config.password', message: 'must be a string' });
      if (raw.ssl !== undefined && typeof raw.ssl !== 'boolean') errors.push({ field: 'config.ssl', message: 'must be a boolean' });
      return errors.length
        ? { ok: false, errors }
        : {
            ok: true,
            value: {
              type,
              config: {
                host: raw.host as string,
                port: port as number,
                database: raw.database as string,
                username: raw.username as string,
                ...(raw.password !== undefined ? { password: raw.password as string } : {}),
                ...(raw.ssl !== undefined ? { ssl: raw.ssl as boolean } : {}),
              },
            },
          };
    }
  }
}

/** Applies `fn` to every secret value of a config, whatever the type. */
function mapSecrets(c: ConnectorConfig, fn: (value: string, path: string) => string): ConnectorConfig {
  const mapValues = (m: Record<string, string> | undefined, base: string) =>
    m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, fn(v, `${base}.${k}`)])) : undefined;
  switch (c.type) {
    case 'mcp_http':
    case 'mcp_sse': {
      const headers = mapValues(c.config.headers, 'headers');
      return { type: c.type, config: { ...c.config, ...(headers ? { headers } : {}) } };
    }
    case 'mcp_stdio': {
      const env = mapValues(c.config.env, 'env');
      return { type: c.type, config: { ...c.config, ...(env ? { env } : {}) } };
    }
    case 'postgresql':
      return { type: c.type, config: { ...c.config, ...(c.config.password !== undefined ? { password: fn(c.config.password, 'password') } : {}) } };
  }
}

export const aadFor = (orgId: string, connectorId: string, path: string): string => `${orgId}/${connectorId}/${path}`;

export function sealSecrets(c: ConnectorConfig, ring: KeyRing, orgId: string, connectorId: string): ConnectorConfig {
  return mapSecrets(c, (v, path) => (isSealed(v) ? v : seal(ring, v, aadFor(orgId, connectorId, path))));
}

export function openSecrets(c: ConnectorConfig, ring: KeyRing, orgId: string, connectorId: string): ConnectorConfig {
  return mapSecrets(c, (v, path) => open(ring, v, aadFor(orgId, connectorId, path)));
}

export function maskSecrets(c: ConnectorConfig): ConnectorConfig {
  return mapSecrets(c, () => SECRET_MASK);
}

/**
 * Replaces every masked value in an incoming config with the stored (sealed)
 * value at the same path, so a client can send back what it was shown.
 * Returns the paths that were masked but had no stored value.
 */
export function restoreMasked(incoming: ConnectorConfig, stored: ConnectorConfig | null): { config: ConnectorConfig; missing: string[] } {
  const storedValues = new Map<string, string>();
  if (stored && stored.type === incoming.type) mapSecrets(stored, (v, path) => (storedValues.set(path, v), v));
  const missing: string[] = [];
  const config = mapSecrets(incoming, (v, path) => {
    if (v !== SECRET_MASK) return v;
    const old = storedValues.get(path);
    if (old === undefined) missing.push(`config.${path}`);
    return old ?? v;
  });
  return { config, missing };
}
