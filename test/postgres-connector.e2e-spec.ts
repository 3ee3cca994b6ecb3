import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PostgresBusy, PostgresCallCancelled, PostgresDatabase, PostgresUnavailable, probePostgres, runPostgresTool, type PostgresLimits } from '@gatehouse/connectors';
import { startTcpProxy, waitUntil } from '@gatehouse/testing';

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
    const tables = await runPostgresTool(database, 'list_tables', {});
    expect(tables.rows).toEqual([{ schema: 'public', name: 'orders', type: 'BASE TABLE' }]);
    const cols = await runPostgresTool(database, 'describe_table', { table: 'orders' });
    expect(cols.rows.map((r) => r.name)).toEqual(['id', 'total']);
  });

  it('caps rows', async () => {
    const res = await runPostgresTool(database, 'query', { sql: 'SELECT id FROM orders ORDER BY id;' });
    expect(res.rows).toHaveLength(5);
    expect(res.truncated).toBe(true);
  });

  it.each([
    'DELETE FROM orders',
    "UPDATE orders SET total = 0",
    'SELECT 1; DELETE FROM orders',
    'SELECT 1; COMMIT; DELETE FROM orders',
    'SELECT 1; ROLLBACK; BEGIN; SET TRANSACTION READ WRITE; DELETE FROM orders',
    'CREATE TABLE x (a int)',
    "SELECT set_config('transaction_read_only', 'off', true)",
  ])('refuses to write: %s', async (sql) => {
    await expect(runPostgresTool(database, 'query', { sql })).rejects.toThrow();
    const count = await runPostgresTool(database, 'query', { sql: 'SELECT count(*)::int AS n, sum(total)::int AS s FROM orders' });
    expect(count.rows[0]).toEqual({ n: 20, s: 2100 });
  });

  it('times out long statements, whatever the statement says of its own timeout', async () => {
    await expect(runPostgresTool(database, 'query', { sql: 'SELECT pg_sleep(2)' })).rejects.toThrow(/timeout/);
    await expect(runPostgresTool(database, 'query', { sql: 'SELECT 1; SET statement_timeout = 0; SELECT pg_sleep(2)' })).rejects.toThrow(/multiple commands/);
    await expect(runPostgresTool(database, 'query', { sql: "SELECT set_config('statement_timeout', '0', true), pg_sleep(2)" })).rejects.toThrow(/statement timeout/);
  });

  it('refuses a loopback database unless private upstreams are allowed, by address and by name', async () => {
    await expect(probePostgres(config, { ...limits, allowPrivate: false })).rejects.toThrow(/127\.0\.0\.1 is a private/);
    await expect(probePostgres({ ...config, host: 'localhost' }, { ...limits, allowPrivate: false })).rejects.toThrow(/localhost resolves to a private address/);
    await expect(probePostgres({ ...config, host: '/var/run/postgresql' }, { ...limits, allowPrivate: false })).rejects.toThrow(/local socket/);
    await expect(probePostgres(config, limits)).resolves.toBeUndefined();
  });

  it('gives every call a session no other call has used, opened ahead of it', async () => {
    const spared = new PostgresDatabase(config, limits, 2);
    const pidOf = async () => Number((await runPostgresTool(spared, 'query', { sql: 'SELECT pg_backend_pid() AS pid' })).rows[0].pid);
    const idle = async () => (await connectorSessions()).filter((s) => s.state === 'idle').map((s) => s.pid);
    try {
      const before = await idle();
      // A session-level advisory lock and random seed, taken by one call, do not reach the next one.
      await runPostgresTool(spared, 'query', { sql: 'SELECT pg_advisory_lock(4242), setseed(0.42)' });
      await waitUntil(async () => (await adminQuery<{ free: boolean }>('SELECT pg_try_advisory_lock(4242) AS free', db))[0].free);
      const [{ r }] = (await runPostgresTool(spared, 'query', { sql: 'SELECT random() AS r' })).rows;
      expect(r).not.toBe(0.742944875302392); // the first random() after setseed(0.42)

      // The first call opened two spares; each call takes one that was open before it started, and none twice.
      await waitUntil(async () => (await idle()).filter((pid) => !before.includes(pid)).length === 2);
      const spares = (await idle()).filter((pid) => !before.includes(pid));
      const first = await pidOf();
      expect(spares).toContain(first);
      await waitUntil(async () => (await idle()).filter((pid) => !before.includes(pid)).length === 2);
      const second = await pidOf();
      expect(second).not.toBe(first);
      expect(spares).toContain(second);
    } finally {
      await spared.end();
    }
  });

  it('survives sessions killed in the middle of a call and while spare', async () => {
    const before = (await connectorSessions()).map((s) => s.pid);
    const spared = new PostgresDatabase(config, limits, 1);
    try {
      await expect(runPostgresTool(spared, 'query', { sql: 'SELECT pg_terminate_backend(pg_backend_pid())' })).rejects.toThrow(/terminat/i);
      // The spare the call opened is killed while idle: pg reports that as an 'error' event on its client, which
      // would crash the process without a listener. The next call opens a session of its own.
      await waitUntil(async () => (await connectorSessions()).some((s) => s.state === 'idle' && !before.includes(s.pid)));
      await adminQuery(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'gatehouse-connector' AND NOT (pid = ANY($2))`,
        'postgres',
        [db, before],
      );
      // At once, before the client may have noticed: a spare that does not answer is replaced for the call.
      expect((await runPostgresTool(spared, 'query', { sql: 'SELECT 1 AS one' })).rows).toEqual([{ one: 1 }]);
    } finally {
      await spared.end();
    }
  });

  it('replaces a spare whose connection went silent (a NAT that forgot it) for the call that takes it', async () => {
    const proxy = await startTcpProxy(new URL(admin));
    const url = new URL(proxy.url);
    const behind = new PostgresDatabase({ ...config, port: Number(url.port) }, limits, 1);
    try {
      const before = (await connectorSessions()).map((s) => s.pid);
      await runPostgresTool(behind, 'query', { sql: 'SELECT 1' });
      await waitUntil(async () => (await connectorSessions()).some((s) => s.state === 'idle' && !before.includes(s.pid)));
      proxy.freeze();
      const started = Date.now();
      expect((await runPostgresTool(behind, 'query', { sql: 'SELECT 2 AS two' })).rows).toEqual([{ two: 2 }]);
      // The spare had a second to answer; waiting for the client's own timeout would have taken 2.5 s and failed.
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await behind.end();
      await proxy.close();
    }
  });

  it('stops waiting at once for a connection when the call is cancelled, and opens no spares while none can be had', async () => {
    // A server that takes connections and never answers, then one that closes them at once.
    const silent = await unansweringServer();
    const port = silent.port;
    const nowhere = new PostgresDatabase({ ...config, port }, { ...limits, connectTimeoutMs: 4_000 }, 2);
    try {
      const abort = new AbortController();
      const started = Date.now();
      const call = runPostgresTool(nowhere, 'query', { sql: 'SELECT 1' }, abort.signal);
      setTimeout(() => abort.abort(), 100);
      await expect(call).rejects.toBeInstanceOf(PostgresCallCancelled);
      expect(Date.now() - started).toBeLessThan(1_000);

      silent.closeFromNow();
      for (let i = 0; i < 5; i++) await expect(runPostgresTool(nowhere, 'query', { sql: 'SELECT 1' })).rejects.toBeInstanceOf(PostgresUnavailable);
      // One attempt per call: no spares are opened for a database that refuses connections.
      expect(silent.accepted()).toBe(5);
    } finally {
      await nowhere.end();
      await silent.close();
    }
  });

  it('keeps the place of a call cancelled while connecting until its connection is closed: cancels cannot exceed the limit', async () => {
    const silent = await unansweringServer();
    const nowhere = new PostgresDatabase({ ...config, port: silent.port }, { ...limits, connectTimeoutMs: 1_500 }, 0, 2);
    try {
      const calls = Array.from({ length: 10 }, () => {
        const abort = new AbortController();
        setTimeout(() => abort.abort(), 20);
        return runPostgresTool(nowhere, 'query', { sql: 'SELECT 1' }, abort.signal).catch((err: unknown) => err);
      });
      expect((await Promise.all(calls)).every((err) => err instanceof PostgresCallCancelled)).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(silent.accepted()).toBe(2);
    } finally {
      await nowhere.end();
      await silent.close();
    }
  });

  it('sends no statement for a call cancelled while its connection was being opened', async () => {
    const cold = new PostgresDatabase(config, { ...limits, statementTimeoutMs: 20_000 }, 0);
    try {
      const abort = new AbortController();
      const started = Date.now();
      const call = runPostgresTool(cold, 'query', { sql: 'SELECT pg_sleep(3)' }, abort.signal);
      abort.abort();
      await expect(call).rejects.toBeInstanceOf(PostgresCallCancelled);
      expect(Date.now() - started).toBeLessThan(2_000);
      // Nothing reaches the server: no statement of the call is seen running there.
      for (let i = 0; i < 10; i++) {
        expect((await connectorSessions()).filter((s) => s.state === 'active')).toEqual([]);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await cold.end();
    }
  });

  it('runs a few calls at once; the others wait their turn, leave when cancelled, or are refused after the connect timeout', async () => {
    const two = new PostgresDatabase(config, { ...limits, statementTimeoutMs: 5_000, connectTimeoutMs: 1_500 }, 0, 2);
    const sleepers = async () => (await connectorSessions()).filter((s) => s.state === 'active' && s.query.startsWith('FETCH')).length;
    try {
      const slow = [0, 1].map(() => runPostgresTool(two, 'query', { sql: 'SELECT pg_sleep(0.8)' }));
      await waitUntil(async () => (await sleepers()) === 2);
      // A third waits for one of them, and runs as soon as it ends.
      const order: string[] = [];
      for (const p of slow) void p.then(() => order.push('slow'));
      const third = runPostgresTool(two, 'query', { sql: 'SELECT 3 AS three' });
      void third.then(() => order.push('third'));
      const cancelled = new AbortController();
      const fourth = runPostgresTool(two, 'query', { sql: 'SELECT 4' }, cancelled.signal);
      cancelled.abort();
      await expect(fourth).rejects.toBeInstanceOf(PostgresCallCancelled);
      expect((await third).rows).toEqual([{ three: 3 }]);
      await Promise.all(slow);
      expect(order[0]).toBe('slow');

      // Two calls that hold their places for longer than a connection may take: a third is refused.
      const long = [0, 1].map(() => runPostgresTool(two, 'query', { sql: 'SELECT pg_sleep(2.5)' }));
      await waitUntil(async () => (await sleepers()) === 2);
      await expect(runPostgresTool(two, 'query', { sql: 'SELECT 1' })).rejects.toBeInstanceOf(PostgresBusy);
      await Promise.all(long);
      expect((await runPostgresTool(two, 'query', { sql: 'SELECT 5 AS five' })).rows).toEqual([{ five: 5 }]);
    } finally {
      await two.end();
    }
  });

  it('cancels the statement on the server when the call is cancelled', async () => {
    const slow = new PostgresDatabase(config, { ...limits, statementTimeoutMs: 20_000 }, 0);
    try {
      const abort = new AbortController();
      const running = runPostgresTool(slow, 'query', { sql: 'SELECT pg_sleep(15)' }, abort.signal);
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
      const [pid] = (await runPostgresTool(slow, 'query', { sql: 'SELECT pg_backend_pid() AS pid' })).rows;
      expect(pid.pid).not.toBe(before.pid);
    } finally {
      await slow.end();
    }
  });

  it('does not start a call whose signal has already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(runPostgresTool(database, 'query', { sql: 'SELECT 1' }, abort.signal)).rejects.toBeInstanceOf(PostgresCallCancelled);
  });
});

/**
 * A server that takes TCP connections and never answers (a database that
 * hangs at connect); from `closeFromNow` on, it closes them at once (one that
 * refuses). Counts the connections since it started, or since `closeFromNow`.
 */
async function unansweringServer(): Promise<{ port: number; accepted: () => number; closeFromNow: () => void; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let refuse = false;
  const server = createServer((s) => {
    accepted++;
    if (refuse) s.destroy();
    else sockets.add(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    closeFromNow: () => {
      refuse = true;
      dropAll();
      accepted = 0;
    },
    close: async () => {
      dropAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
