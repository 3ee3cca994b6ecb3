import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresCallCancelled, PostgresDatabase, probePostgres, type PostgresLimits } from '@gatehouse/connectors';
import { waitUntil } from '@gatehouse/testing';

// A scratch database on the real local server, dropped afterwards.
const admin = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const db = `gh_pgtool_${randomBytes(4).toString('hex')}`;
const config = { host: '127.0.0.1', port: 5432, database: db, username: 'postgres' };
const limits: PostgresLimits = { statementTimeoutMs: 500, rowCap: 5, connectTimeoutMs: 2000, allowPrivate: true };

async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, database = 'postgres', values: unknown[] = []): Promise<R[]> {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    return (await c.query<R>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

/** The connector's sessions on the scratch database, and what each is running. */
const connectorSessions = () =>
  adminQuery<{ pid: number; state: string; query: string }>(
    `SELECT pid, state, query FROM pg_stat_activity WHERE datname = $1 AND application_name = 'gatehouse-connector'`,
    'postgres',
    [db],
  );

describe('built-in PostgreSQL connector', () => {
  const database = new PostgresDatabase(config, limits);
  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${db}`);
    await adminQuery(
      `CREATE TABLE orders (id int primary key, total numeric not null); INSERT INTO orders SELECT g, g * 10 FROM generate_series(1, 20) g`,
      db,
    );
  });
  afterAll(async () => {
    await database.end();
    await adminQuery(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  });

  it('lists and describes tables', async () => {
    const tables = await database.run('list_tables', {});
    expect(tables.rows).toEqual([{ schema: 'public', name: 'orders', type: 'BASE TABLE' }]);
    const cols = await database.run('describe_table', { table: 'orders' });
    expect(cols.rows.map((r) => r.name)).toEqual(['id', 'total']);
  });

  it('caps rows', async () => {
    const res = await database.run('query', { sql: 'SELECT id FROM orders ORDER BY id;' });
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
    await expect(database.run('query', { sql })).rejects.toThrow();
    const count = await database.run('query', { sql: 'SELECT count(*)::int AS n, sum(total)::int AS s FROM orders' });
    expect(count.rows[0]).toEqual({ n: 20, s: 2100 });
  });

  it('times out long statements', async () => {
    await expect(database.run('query', { sql: 'SELECT pg_sleep(2)' })).rejects.toThrow(/timeout/);
  });

  it('refuses a loopback database unless private upstreams are allowed, by address and by name', async () => {
    await expect(probePostgres(config, { ...limits, allowPrivate: false })).rejects.toThrow(/127\.0\.0\.1 is a private/);
    await expect(probePostgres({ ...config, host: 'localhost' }, { ...limits, allowPrivate: false })).rejects.toThrow(/localhost resolves to a private address/);
    await expect(probePostgres({ ...config, host: '/var/run/postgresql' }, { ...limits, allowPrivate: false })).rejects.toThrow(/local socket/);
    await expect(probePostgres(config, limits)).resolves.toBeUndefined();
  });

  it('reuses its connections, each call in a fresh session', async () => {
    const before = (await connectorSessions()).length;
    const pooled = new PostgresDatabase(config, limits, 4);
    try {
      // A session-level advisory lock and setting, taken inside the call's transaction, do not outlive the call.
      await pooled.run('query', { sql: "SELECT pg_advisory_lock(4242), set_config('search_path', 'nowhere', false)" });
      for (let i = 0; i < 5; i++) await pooled.run('query', { sql: 'SELECT 1' });
      expect(await connectorSessions()).toHaveLength(before + 1);
      const [lock] = await adminQuery<{ free: boolean }>('SELECT pg_try_advisory_lock(4242) AS free', db);
      expect(lock.free).toBe(true);
      const [path] = (await pooled.run('query', { sql: 'SELECT current_setting($$search_path$$) AS p' })).rows;
      expect(path.p).not.toBe('nowhere');
    } finally {
      await pooled.end();
    }
  });

  it('cancels the statement on the server when the call is cancelled, and does not reuse its connection', async () => {
    const slow = new PostgresDatabase(config, { ...limits, statementTimeoutMs: 20_000 }, 1);
    try {
      const abort = new AbortController();
      const running = slow.run('query', { sql: 'SELECT pg_sleep(15)' }, abort.signal);
      // The cursor's FETCH runs the statement.
      const sleeping = async () => (await connectorSessions()).filter((s) => s.state === 'active' && s.query.startsWith('FETCH'));
      await waitUntil(async () => (await sleeping()).length === 1);
      const [before] = await sleeping();
      const started = Date.now();
      abort.abort();
      await expect(running).rejects.toBeInstanceOf(PostgresCallCancelled);
      expect(Date.now() - started).toBeLessThan(5_000);
      // Nothing is left running on the server, and the next call gets another session.
      await waitUntil(async () => (await sleeping()).length === 0);
      const [pid] = (await slow.run('query', { sql: 'SELECT pg_backend_pid() AS pid' })).rows;
      expect(pid.pid).not.toBe(before.pid);
    } finally {
      await slow.end();
    }
  });

  it('does not start a call whose signal has already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(database.run('query', { sql: 'SELECT 1' }, abort.signal)).rejects.toBeInstanceOf(PostgresCallCancelled);
  });
});
