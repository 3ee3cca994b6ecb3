import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { findRepoRoot } from '@gatehouse/common';
import { applyMigrations, createMigration, diffSchemaToMigrations } from '../libs/db/src/migrations/migration-runner.js';

const root = findRepoRoot();
const migrationsDir = join(root, 'prisma/migrations');
const schemaPath = join(root, 'prisma/schema.prisma');
const server = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const urlFor = (database: string): string => Object.assign(new URL(server), { pathname: `/${database}` }).toString();

async function onDatabase<T>(database: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor(database) });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe('migrations (WASM schema engine)', () => {
  const scratch = `gh_mig_${randomBytes(4).toString('hex')}`;
  const tmpDirs: string[] = [];

  afterAll(async () => {
    await onDatabase('postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`));
    await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('creates the database, applies every migration once, then nothing', async () => {
    const opts = { databaseUrl: urlFor(scratch), migrationsDir, schemaPath };
    const expected = (await readdir(migrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(expected.length).toBeGreaterThan(0);

    expect(await applyMigrations(opts)).toEqual(expected);
    expect(await applyMigrations(opts)).toEqual([]);

    await onDatabase(scratch, async (c) => {
      const tables = await c.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1)",
        [['organizations', '_prisma_migrations']],
      );
      expect(tables.rows.map((r) => r.name).sort()).toEqual(['_prisma_migrations', 'organizations']);
      const recorded = await c.query<{ migration_name: string; finished: boolean; applied_steps_count: number }>(
        'SELECT migration_name, finished_at IS NOT NULL AS finished, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(recorded.rows).toEqual(expected.map((migration_name) => ({ migration_name, finished: true, applied_steps_count: 1 })));
    });
  });

  it('has a migration for every change in schema.prisma', async () => {
    // Fails when the schema was edited without `npm run db:migrate:create -- --name <change>`.
    expect(await diffSchemaToMigrations({ databaseUrl: urlFor('postgres'), migrationsDir, schemaPath })).toBeNull();
  });

  it('writes a new migration in Prisma layout, and nothing when the schema has not changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-migrations-'));
    tmpDirs.push(dir);
    const opts = { databaseUrl: urlFor('postgres'), migrationsDir: dir, schemaPath, now: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) };

    const created = await createMigration({ ...opts, name: 'init' });
    expect(created?.name).toBe('20300102030405_init');
    expect(await readFile(join(dir, '20300102030405_init/migration.sql'), 'utf8')).toContain('CREATE TABLE "organizations"');
    expect(await readFile(join(dir, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');

    expect(await createMigration({ ...opts, name: 'again' })).toBeNull();
    expect(await readdir(dir)).toEqual(['20300102030405_init', 'migration_lock.toml']);
    await expect(createMigration({ ...opts, name: 'Bad Name' })).rejects.toThrow('snake_case');
  });
});
