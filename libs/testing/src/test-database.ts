import { join } from 'node:path';
import pg from 'pg';
import { findRepoRoot } from '@gatehouse/common';
import { applyMigrations } from '../../db/src/migrations/migration-runner.js';

const LOCK_KEY = 724_011; // any constant: serialises migrations of one run across Jest workers

/**
 * Migrates this run's database before the first app starts. Jest workers
 * race here, so the work happens under a Postgres advisory lock on the
 * maintenance database; later callers find nothing left to apply.
 */
export async function ensureMigrated(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const lock = new pg.Client({ connectionString: admin.toString() });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    const root = findRepoRoot();
    await applyMigrations({ databaseUrl, migrationsDir: join(root, 'prisma/migrations'), schemaPath: join(root, 'prisma/schema.prisma') });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}
