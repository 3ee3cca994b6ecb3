import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

const redisUrl = z.string().refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL');

const base64Key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64');

const pem = z
  .string()
  .transform((v) => v.replace(/\\n/g, '\n').trim())
  .refine((v) => v.includes('-----BEGIN PRIVATE KEY-----'), 'must be a PKCS#8 PEM private key (Ed25519)');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(1, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/gatehouse'),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]*$/, 'may only contain letters, digits, ":", "_" and "-"')
    .default('gh:'),
  ADMIN_API_KEY: z.string().min(32, 'must be at least 32 characters'),
  JWT_PRIVATE_KEY: pem,
  JWT_ISSUER: z.string().min(1).default('http://localhost:8080'),
  JWT_AUDIENCE: z.string().min(1).default('gatehouse'),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 86400).default(3600),
  ENCRYPTION_KEY: base64Key32,
  ENCRYPTION_KEY_ID: z.string().regex(/^[a-zA-Z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, "_" or "-"').default('k1'),
  ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .default('')
    .refine(
      (v) => v === '' || v.split(',').every((pair) => /^[a-zA-Z0-9_-]{1,32}:[A-Za-z0-9+/=]{43,44}$/.test(pair.trim())),
      'must be a comma-separated list of <key id>:<32-byte base64 key>',
    ),
  STDIO_ALLOWLIST: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  ALLOW_PRIVATE_UPSTREAMS: bool.default(false),
  PROBE_TIMEOUT_MS: int(100, 120_000).default(10_000),
  UPSTREAM_CALL_TIMEOUT_MS: int(100, 600_000).default(30_000),
  MCP_SSE_HEARTBEAT_SECONDS: int(1, 300).default(15),
  DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL: int(1, 10_000_000).default(6000),
  DATA_PLANE_RATE_LIMIT_PER_ORG: int(1, 10_000_000).default(60000),
  CONNECTOR_PROBE_INTERVAL_SECONDS: int(10, 86_400).default(300),
  DATA_PLANE_CACHE_TTL_SECONDS: int(1, 86_400).default(300),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 100kb or 1mb').default('1mb'),
  TRUST_PROXY: bool.default(false),
  AUTH_CACHE_TTL_SECONDS: int(1, 3600).default(300),
  TOKEN_RATE_LIMIT_PER_CLIENT: int(1, 10_000_000).default(600),
  TOKEN_RATE_LIMIT_PER_IP: int(1, 10_000_000).default(3000),
  // Approvals: how long a tools/call waits for a person, where the links point, how notifications retry.
  APPROVAL_HOLD_SECONDS: int(0, 600).default(25),
  PUBLIC_BASE_URL: z
    .string()
    .url('must be an absolute URL such as https://gatehouse.example.com')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  APPROVAL_LINK_RATE_LIMIT_PER_IP: int(1, 10_000_000).default(60),
  NOTIFICATION_MAX_ATTEMPTS: int(1, 50).default(8),
  NOTIFICATION_BACKOFF_MS: int(10, 3_600_000).default(2000),
  NOTIFICATION_TIMEOUT_MS: int(100, 120_000).default(10_000),
});

export type Env = z.infer<typeof envSchema>;
