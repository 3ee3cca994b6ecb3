import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { probePostgres, runPostgresTool } from '@gatehouse/connectors';

// A scratch database on the real local server, dropped afterwards.
const admin = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const db = `gh_pgtool_${randomBytes(4).toString('hex')}`;
const config = { host: '127.0.0.1', port: 5432, database: db, username: 'postgres' };
const limits = { statementTimeoutMs: 500, rowCap: 5, connectTimeoutMs: 2000, allowPrivate: true };

async function adminQuery(sql: string, database = 'postgres'): Promise<void> {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query(sql);
  await c.end();
}

describe('built-in PostgreSQL connector', () => {
  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${db}`);
    await adminQuery(
      `CREATE TABLE orders (id int primary key, total numeric not null); INSERT INTO orders SELECT g, g * 10 FROM generate_series(1, 20) g`,
      db,
    );
  });
  afterAll(() => adminQuery(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));

  it('lists and describes tables', async () => {
    const tables = await runPostgresTool(config, 'list_tables', {}, limits);
    expect(tables.rows).toEqual([{ schema: 'public', name: 'orders', type: 'BASE TABLE' }]);
    const cols = await runPostgresTool(config, 'describe_table', { table: 'orders' }, limits);
    expect(cols.rows.map((r) => r.name)).toEqual(['id', 'total']);
  });

  it('caps rows', async () => {
    const res = await runPostgresTool(config, 'query', { sql: 'SELECT id FROM orders ORDER BY id;' }, limits);
    expect(res.rows).toHaveLength(5);
    expect(res.truncated).toBe(true);
  });

  it.each([
    'DELETE FROM orders',
    "UPDATE orders SET total = 0",
    'SELECT 1; DELETE FROM orders',
    'CREATE TABLE x (a int)',
    "SELECT set_config('transaction_read_only', 'off', true)",
  ])('refuses to write: %s', async (sql) => {
    await expect(runPostgresTool(config, 'query', { sql }, limits)).rejects.toThrow();
    const count = await runPostgresTool(config, 'query', { sql: 'SELECT count(*)::int AS n, sum(total)::int AS s FROM orders' }, limits);
    expect(count.rows[0]).toEqual({ n: 20, s: 2100 });
  });

  it('times out long statements', async () => {
    await expect(runPostgresTool(config, 'query', { sql: 'SELECT pg_sleep(2)' }, limits)).rejects.toThrow(/timeout/);
  });

  it('refuses a loopback database unless private upstreams are allowed', async () => {
    await expect(probePostgres(config, { ...limits, allowPrivate: false })).rejects.toThrow(/private/);
    await expect(probePostgres(config, limits)).resolves.toBeUndefined();
  });
});
