import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { findRepoRoot } from '@gatehouse/common';
import { applyMigrations } from './migration-runner.js';

/**
 * `prisma migrate deploy` for machines without the native schema engine.
 * DATABASE_URL comes from the environment, then `.env`, like the apps.
 */
const root = findRepoRoot();
const dotenvPath = join(root, '.env');
if (existsSync(dotenvPath)) loadDotenv({ path: dotenvPath, quiet: true });

// Engine messages span several lines (code, migration, database error); all of it matters.
const oneLine = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');

try {
  const applied = await applyMigrations({
    databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/gatehouse',
    migrationsDir: join(root, 'prisma/migrations'),
    schemaPath: join(root, 'prisma/schema.prisma'),
  });
  if (applied.length === 0) console.log('database is up to date');
  for (const name of applied) console.log(`applied ${name}`);
} catch (err) {
  console.error(`migration failed: ${oneLine(err)}`);
  process.exit(1);
}
