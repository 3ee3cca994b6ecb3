import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { AuditLogWriter } from '@gatehouse/audit';
import { findRepoRoot, newId } from '@gatehouse/common';
import { parseEnv } from '@gatehouse/config';
import { PrismaService } from '@gatehouse/db';
import { applyMigrations } from '../../libs/db/src/migrations/migration-runner.js';

/**
 * Sustained durable audit writes through the group-commit writer (target:
 * >= 10,000 rows/s): `producers` concurrent callers each await record() in a
 * loop, as request handlers do; a row counts when its promise resolved.
 * Usage: npm run build && node dist/bench/audit/audit.bench.js [seconds] [producers]
 */
const seconds = Number(process.argv[2] ?? 15);
const producers = Number(process.argv[3] ?? 256);
const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const url = new URL(base);
url.pathname = `/gh_bench_audit_${Date.now().toString(36)}`;
const root = findRepoRoot();
await applyMigrations({ databaseUrl: url.toString(), migrationsDir: join(root, 'prisma/migrations'), schemaPath: join(root, 'prisma/schema.prisma') });
const env = parseEnv({
  DATABASE_URL: url.toString(),
  ADMIN_API_KEY: randomBytes(32).toString('hex'),
  JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nunused\n-----END PRIVATE KEY-----',
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});
const prisma = new PrismaService(env);
await prisma.$connect();
const writer = new AuditLogWriter(env);

let written = 0;
const until = Date.now() + seconds * 1000;
const started = Date.now();
await Promise.all(
  Array.from({ length: producers }, async () => {
    while (Date.now() < until) {
      await writer.record({
        id: newId('aud'), orgId: 'org_bench', timestamp: new Date(), kind: 'check', connectorId: null, connectorName: 'demo', toolName: 'send_email',
        agentId: null, credentialId: 'key_bench', gatewayId: null, decision: 'allow', reason: 'matched rule 0 of policy "bench"', policyId: null,
        ruleIndex: 0, durationMs: 1, success: null, errorCode: null,
      });
      written++;
    }
  }),
);
const elapsed = (Date.now() - started) / 1000;
const counted = Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM audit_entries`)[0].n);
console.log(JSON.stringify({ bench: 'audit', producers, seconds: +elapsed.toFixed(1), rows_acknowledged: written, rows_in_table: counted, rows_per_s: Math.round(written / elapsed) }, null, 2));
await writer.onApplicationShutdown();
await prisma.$disconnect();
const admin = new pg.Client({ connectionString: base.replace(/\/[^/]*$/, '/postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
await admin.end();
