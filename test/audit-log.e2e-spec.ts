import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import http from 'node:http';
import pg from 'pg';
import { AuditLogService, AuditLogWriter, HeldConnection, type NewAuditEntry } from '@gatehouse/audit';
import { newId } from '@gatehouse/common';
import { PrismaService } from '@gatehouse/db';
import { adminAuth, bearer, createApiKey, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

describe('audit log API', () => {
  let t: TestApp;
  let org: TestOrg;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    org = await createOrg(t);
    key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
    for (const toolName of ['a', 'b', 'c']) {
      await t.http.post('/v1/check').set(bearer(key)).send({ serverName: 'svc', toolName, args: { secret: 'do-not-store' } }).expect(200);
    }
  });
  afterAll(() => t.close());

  /** Entry number i of an org, its fields varied with i (null or not, every kind, odd text). */
  const entryOf = (orgId: string, i: number): NewAuditEntry => ({
    id: newId('aud'), orgId, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)), kind: i % 2 ? 'call' : 'check',
    connectorId: i % 3 ? `conn_${i}` : null, connectorName: i % 3 ? 'crm' : null, toolName: `tool "${i}", ünïcode`, agentId: null,
    credentialId: `key_${i}`, gatewayId: i % 2 ? 'gw_1' : null, decision: i % 4 ? 'allow' : 'block', reason: i % 5 ? `matched rule ${i}` : null,
    policyId: 'pol_1', ruleIndex: i % 3 ? i : null, durationMs: i % 2 ? null : i * 10, success: i % 2 ? null : i % 4 === 0,
    errorCode: i % 4 === 0 ? 'input_blocked' : null, findings: i % 4 === 0 ? [{ detector: 'pii', kind: 'email', path: `$.a[${i}]` }] : undefined,
  });

  it('lists newest first with a cursor and filters', async () => {
    const first = (await t.http.get('/api/audit?limit=2').set(bearer(org.ownerKey)).expect(200)).body as { entries: { tool_name: string }[]; next_cursor: string };
    expect(first.entries.map((e) => e.tool_name)).toEqual(['c', 'b']);
    const second = (await t.http.get(`/api/audit?limit=2&cursor=${first.next_cursor}`).set(bearer(org.ownerKey)).expect(200)).body as {
      entries: { tool_name: string }[];
      next_cursor: string | null;
    };
    expect(second).toEqual({ entries: [expect.objectContaining({ tool_name: 'a' })], next_cursor: null });
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect(((await t.http.get(`/api/audit?from=${future}`).set(bearer(org.ownerKey)).expect(200)).body as { entries: unknown[] }).entries).toEqual([]);
    expect(((await t.http.get('/api/audit?decision=deny').set(bearer(org.ownerKey)).expect(200)).body as { entries: unknown[] }).entries).toEqual([]);
    await t.http.get('/api/audit?from=yesterday').set(bearer(org.ownerKey)).expect(400);
    await t.http.get('/api/audit').set(bearer(key)).expect(403);
  });

  it('exports NDJSON and CSV without arguments', async () => {
    const nd = await t.http.get('/api/audit/export').set(bearer(org.ownerKey)).expect(200);
    expect(nd.headers['content-type']).toContain('application/x-ndjson');
    const lines = nd.text.trim().split('\n').map((l) => JSON.parse(l) as { tool_name: string; decision: string });
    expect(lines.map((l) => l.tool_name)).toEqual(['c', 'b', 'a']);
    const csv = await t.http.get('/api/audit/export?format=csv').set(bearer(org.ownerKey)).expect(200);
    const rows = csv.text.trim().split('\n');
    expect(rows[0].split(',').slice(0, 4)).toEqual(['id', 'timestamp', 'kind', 'tool_name']);
    expect(rows).toHaveLength(4);
    expect(nd.text + csv.text).not.toContain('do-not-store');
  });

  it('filters by connector, agent and time window, in the list and the export alike, within the caller’s org only', async () => {
    const o = await createOrg(t);
    const other = await createOrg(t);
    const [connA, connB, agentX] = [newId('conn'), newId('conn'), newId('agent')];
    const writer = t.app.get(AuditLogWriter);
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i));
    const entry = (orgId: string, i: number): NewAuditEntry => ({
      ...entryOf(orgId, i), id: newId('aud'), timestamp: at(i), toolName: `t${i}`, connectorId: i % 2 ? connB : connA, agentId: i < 5 ? agentX : null,
    });
    // Ten entries of the org, and the same again for another org with the same connector and agent ids.
    await Promise.all(Array.from({ length: 10 }, (_, i) => [writer.record(entry(o.id, i)), writer.record(entry(other.id, i))]).flat());
    const tools = async (query: string) =>
      ((await t.http.get(`/api/audit?limit=100&${query}`).set(bearer(o.ownerKey)).expect(200)).body as { entries: { tool_name: string }[] }).entries
        .map((e) => e.tool_name)
        .sort();
    expect(await tools(`connector_id=${connA}`)).toEqual(['t0', 't2', 't4', 't6', 't8']);
    expect(await tools(`agent_id=${agentX}`)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(await tools(`connector_id=${connA}&agent_id=${agentX}`)).toEqual(['t0', 't2', 't4']);
    // `from` is inclusive, `to` exclusive.
    expect(await tools(`from=${at(3).toISOString()}&to=${at(7).toISOString()}`)).toEqual(['t3', 't4', 't5', 't6']);
    expect(await tools(`connector_id=${newId('conn')}`)).toEqual([]);
    const csv = await t.http.get(`/api/audit/export?format=csv&connector_id=${connB}&to=${at(5).toISOString()}`).set(bearer(o.ownerKey)).expect(200);
    const rows = csv.text.trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(',')[3]).sort()).toEqual(['t1', 't3']);
    const nd = await t.http.get(`/api/audit/export?agent_id=${agentX}`).set(bearer(o.ownerKey)).expect(200);
    expect(nd.text.trim().split('\n').map((l) => (JSON.parse(l) as { tool_name: string }).tool_name).sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    const bad = await t.http.get('/api/audit?connector_id=x&agent_id=y').set(bearer(o.ownerKey)).expect(400);
    expect((bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field).sort()).toEqual(['agent_id', 'connector_id']);
  });

  it('writes every field alike alone (one row) and in a group commit (unnest), and completes them', async () => {
    const o = await createOrg(t);
    const writer = t.app.get(AuditLogWriter);
    const entry = (i: number) => entryOf(o.id, i);
    const alone = entry(0);
    await writer.record(alone);
    // Submitted in one turn, these ride together in one multi-row INSERT.
    const burst = Array.from({ length: 25 }, (_, i) => entry(i + 1));
    await Promise.all(burst.map((e) => writer.record(e)));

    const prisma = t.app.get(PrismaService);
    const stored = await prisma.auditEntry.findMany({ where: { orgId: o.id }, orderBy: { timestamp: 'asc' } });
    const expected = [alone, ...burst].map(({ findings, ...e }) => ({ ...e, findings: findings ?? null, completedAt: null }));
    expect(stored).toEqual(expected);

    await Promise.all([alone, burst[0]].map((e) => writer.complete({ id: e.id, durationMs: 7, success: false, errorCode: 'tool_error', findings: [{ detector: 'secrets', kind: 'aws', path: '$' }] })));
    for (let i = 0; i < 50; i++) {
      if ((await prisma.auditEntry.count({ where: { orgId: o.id, completedAt: { not: null } } })) === 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const done = await prisma.auditEntry.findMany({ where: { orgId: o.id, completedAt: { not: null } }, orderBy: { timestamp: 'asc' } });
    expect(done.map((e) => [e.id, e.durationMs, e.success, e.errorCode, e.findings])).toEqual(
      [alone, burst[0]].map((e) => [e.id, 7, false, 'tool_error', [{ detector: 'secrets', kind: 'aws', path: '$' }]]),
    );
  });

  it('stores what Postgres refuses in text (NUL, lone surrogates) as U+FFFD, and fails only the entry at fault, not its batch', async () => {
    const o = await createOrg(t);
    const other = await createOrg(t);
    const writer = t.app.get(AuditLogWriter);
    const prisma = t.app.get(PrismaService);
    const k = (await createApiKey(t, o, { scopes: ['mcp:call'] })).secret;
    // A check whose tool name carries a NUL rides in one group commit with other orgs' checks: every one is answered and stored.
    const otherKey = (await createApiKey(t, other, { scopes: ['mcp:call'] })).secret;
    const checks = await Promise.all([
      t.http.post('/v1/check').set(bearer(k)).send({ serverName: 'svc', toolName: 'nul\u0000here' }),
      ...Array.from({ length: 8 }, (_, i) => t.http.post('/v1/check').set(bearer(otherKey)).send({ serverName: 'svc', toolName: `fine${i}` })),
    ]);
    expect(checks.map((r) => r.status)).toEqual(Array(9).fill(200));
    const mine = await prisma.auditEntry.findMany({ where: { orgId: o.id } });
    expect(mine.map((e) => e.toolName)).toEqual(['nul\uFFFDhere']);
    expect(await prisma.auditEntry.count({ where: { orgId: other.id } })).toBe(8);

    // Findings whose path holds a lone surrogate (an argument's key) are stored too.
    const odd = { ...entryOf(o.id, 1), id: newId('aud'), findings: [{ detector: 'pii', kind: 'email', path: '$.k\ud800' }] };
    await writer.record(odd);
    expect((await prisma.auditEntry.findUnique({ where: { id: odd.id } }))?.findings).toEqual([{ detector: 'pii', kind: 'email', path: '$.k\uFFFD' }]);

    // A batch Postgres refuses for one entry (here: an id already taken) is written entry by entry: only that one fails.
    const batch = Array.from({ length: 6 }, (_, i) => ({ ...entryOf(other.id, 100 + i), id: newId('aud') }));
    const clash = { ...entryOf(other.id, 200), id: odd.id };
    const results = await Promise.allSettled([...batch.slice(0, 3), clash, ...batch.slice(3)].map((e) => writer.record(e)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await prisma.auditEntry.count({ where: { id: { in: batch.map((e) => e.id) } } })).toBe(6);
    // The writer goes on: the refusal left its connection usable.
    await writer.record({ ...entryOf(other.id, 300), id: newId('aud') });
  });

  it('goes on writing on fresh connections after Postgres drops its own', async () => {
    const o = await createOrg(t);
    const writer = t.app.get(AuditLogWriter);
    const prisma = t.app.get(PrismaService);
    const first = entryOf(o.id, 1);
    await writer.record(first);
    await writer.complete({ id: first.id, durationMs: 1, success: true, errorCode: null });
    // This process's writer only: other suites' apps run alongside on the same database.
    const terminated = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
        WHERE application_name = ${`gatehouse-audit ${process.pid}`} AND datname = current_database()) AS x`;
    expect(Number(terminated[0].n)).toBe(2);
    // The writer hears of the drop on its idle connections (without a listener, an uncaught error) and takes new
    // ones. An entry recorded before it has heard fails closed; the next is written.
    const second = entryOf(o.id, 2);
    let failed = 0;
    for (;;) {
      try {
        await writer.record(second);
        break;
      } catch {
        expect(++failed).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await writer.complete({ id: second.id, durationMs: 2, success: true, errorCode: null });
    for (let i = 0; i < 50; i++) {
      if ((await prisma.auditEntry.count({ where: { orgId: o.id, completedAt: { not: null } } })) === 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await prisma.auditEntry.findMany({ where: { orgId: o.id }, orderBy: { timestamp: 'asc' } })).map((e) => [e.id, e.durationMs])).toEqual([
      [first.id, 1],
      [second.id, 2],
    ]);
  });

  it('gives back at shutdown a connection that was still being opened, so that the pool can end', async () => {
    const pool = new pg.Pool({ connectionString: t.env.DATABASE_URL, max: 1 });
    const held = new HeldConnection(pool);
    const pending = held.query({ text: 'SELECT 1' });
    held.release();
    await expect(pending).rejects.toThrow('connection closed');
    await expect(held.query({ text: 'SELECT 1' })).rejects.toThrow('connection closed');
    // pool.end() waits for every connection checked out: one kept would hold it (and the app's shutdown) for good.
    await pool.end();
    expect(pool.totalCount).toBe(0);
  });

  it('stops exporting when the reader goes away while its buffers are full: the export neither hangs nor reads on', async () => {
    const o = await createOrg(t);
    // Eighty export batches' worth (some 35 MB): far more than the socket buffers hold while nobody reads, even with
    // the kernel's buffers raised well past their defaults.
    const db = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await db.connect();
    await db.query(
      `INSERT INTO audit_entries (id, org_id, timestamp, kind, tool_name, credential_id, decision, reason)
       SELECT $2 || lpad(i::text, 8, '0'), $1, now() - i * interval '1 ms', 'check', 'tool_' || i, 'key_1', 'allow', repeat('r', 300)
       FROM generate_series(1, 80000) AS i`,
      [o.id, `${newId('aud')}_`],
    );
    await db.end();
    const audit = t.app.get(AuditLogService);
    const original = audit.stream.bind(audit);
    let batches = 0;
    let ended = false;
    const spy = jest.spyOn(audit, 'stream').mockImplementation(async function* (...args: Parameters<AuditLogService['stream']>) {
      try {
        for await (const batch of original(...args)) {
          batches++;
          yield batch;
        }
      } finally {
        ended = true;
      }
    });
    try {
      const { port } = t.app.getHttpServer().address() as { port: number };
      const req = http.get({ host: '127.0.0.1', port, path: '/api/audit/export', headers: bearer(o.ownerKey) });
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject));
      expect(res.statusCode).toBe(200);
      res.pause(); // the reader stops reading: the server's writes back up
      await until('the export to wait on back-pressure', () => batches >= 1);
      await new Promise((r) => setTimeout(r, 200));
      req.destroy();
      await until('the export to end once the reader is gone', () => ended);
      expect(batches).toBeLessThan(80);
    } finally {
      spy.mockRestore();
    }
  });

  it('cuts an export off when reading the log fails midway, so that the client cannot take a part for the whole', async () => {
    const audit = t.app.get(AuditLogService);
    const original = audit.stream.bind(audit);
    const spy = jest.spyOn(audit, 'stream').mockImplementation(async function* (...args: Parameters<AuditLogService['stream']>) {
      for await (const batch of original(...args)) yield batch;
      throw new Error('connection terminated unexpectedly');
    });
    try {
      const { port } = t.app.getHttpServer().address() as { port: number };
      const outcome = await new Promise<string>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/audit/export', headers: bearer(org.ownerKey) }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(`ended after ${body.split('\n').filter(Boolean).length} lines`));
          res.on('aborted', () => resolve('cut off'));
          res.on('error', () => resolve('cut off'));
        });
        req.on('error', () => resolve('cut off'));
      });
      expect(outcome).toBe('cut off');
    } finally {
      spy.mockRestore();
    }
  });

  it('enforces the org’s retention', async () => {
    const o = await createOrg(t);
    const k = (await createApiKey(t, o, { scopes: ['mcp:call'] })).secret;
    await t.http.post('/v1/check').set(bearer(k)).send({ serverName: 'svc', toolName: 'old' }).expect(200);
    await t.http.patch(`/api/admin/orgs/${o.id}`).set(adminAuth(t)).send({ audit_retention_days: 1 }).expect(200);
    const audit = t.app.get(AuditLogService);
    expect(await audit.enforceRetention(o.id, 1, new Date(Date.now() + 2 * 86_400_000))).toBe(1);
    expect(((await t.http.get('/api/audit').set(bearer(o.ownerKey)).expect(200)).body as { entries: unknown[] }).entries).toEqual([]);
    await t.http.patch(`/api/admin/orgs/${o.id}`).set(adminAuth(t)).send({ audit_retention_days: 0 }).expect(400);
  });
});

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
