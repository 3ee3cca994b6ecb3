import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { findRepoRoot } from '@gatehouse/common';
import { createMigration } from './migration-runner.js';

/**
 * `prisma migrate dev --create-only` for machines without the native schema
 * engine. Only the server in DATABASE_URL is used, for a throw-away shadow
 * database; the application database is not touched.
 */
const root = findRepoRoot();
const dotenvPath = join(root, '.env');
if (existsSync(dotenvPath)) loadDotenv({ path: dotenvPath, quiet: true });

const oneLine = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');

try {
  const { values } = parseArgs({ options: { name: { type: 'string' } } });
  if (!values.name) throw new Error('usage: create-migration --name <snake_name>');
  const created = await createMigration({
    name: values.name,
    databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/gatehouse',
    migrationsDir: join(root, 'prisma/migrations'),
    schemaPath: join(root, 'prisma/schema.prisma'),
  });
  console.log(created ? `created ${relative(root, created.path)}` : 'no schema changes; no migration created');
} catch (err) {
  console.error(`create-migration failed: ${oneLine(err)}`);
  process.exit(1);
}
