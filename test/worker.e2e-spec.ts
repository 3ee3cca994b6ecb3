import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import pg from 'pg';
import { bullConnection, QUEUES } from '@gatehouse/queue';
import { adminAuth, bearer, createApiKey, createOrg, EVERYTHING_SERVER, startTestApp, type TestApp } from '@gatehouse/testing';
import { WorkerModule } from '../apps/worker/src/worker.module.js';

describe('worker', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  beforeAll(async () => {
    t = await startTestApp({ STDIO_ALLOWLIST: process.execPath });
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.env), { logger: false });
    await worker.init();
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('boots, schedules its maintenance jobs and runs them: expired rotated secrets are forgotten, connectors are probed, stale approvals expire', async () => {
    const { connection, prefix } = bullConnection(t.env);
    const queue = new Queue(QUEUES.maintenance.name, { connection, prefix });
    const events = new QueueEvents(QUEUES.maintenance.name, { connection, prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.name).sort()).toEqual(['enforce-audit-retention', 'expire-approvals', 'probe-connectors', 'purge-expired-secrets']);

      const org = await createOrg(t);
      const key = await createApiKey(t, org, { scopes: ['read'] });
      await t.http.post(`/api/api-keys/${key.id}/rotate`).set(bearer(org.ownerKey)).send({ grace_period_seconds: 1 }).expect(200);
      await new Promise((r) => setTimeout(r, 1100));

      await events.waitUntilReady();
      const job = await queue.add(QUEUES.maintenance.jobs.purgeExpiredSecrets, {}, { jobId: `test-${key.id}` });
      await job.waitUntilFinished(events, 10_000);

      const db = new pg.Client({ connectionString: t.env.DATABASE_URL });
      await db.connect();
      const row = (await db.query('SELECT previous_secret_hash, previous_expires_at FROM api_keys WHERE id = $1', [key.id])).rows[0] as Record<string, unknown>;
      await db.end();
      expect(row).toEqual({ previous_secret_hash: null, previous_expires_at: null });

      const conn = (await t.http
        .post('/api/connectors')
        .set(bearer(org.ownerKey))
        .send({ name: 'swept', type: 'mcp_stdio', config: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } })
        .expect(201)).body as { id: string; last_checked_at: string };
      const probeJob = await queue.add(QUEUES.maintenance.jobs.probeConnectors, {}, { jobId: `probe-${conn.id}` });
      await probeJob.waitUntilFinished(events, 60_000);
      const after = (await t.http.get(`/api/connectors/${conn.id}`).set(bearer(org.ownerKey)).expect(200)).body as { last_checked_at: string; status: string };
      expect(Date.parse(after.last_checked_at)).toBeGreaterThan(Date.parse(conn.last_checked_at));
      expect(after.status).toBe('healthy');

      // A pending approval past its TTL is expired by the worker's job.
      await t.http
        .post('/api/policies')
        .set(bearer(org.ownerKey))
        .send({ name: 'ask', is_default: true, default_action: 'allow', rules: [{ action: 'require_approval', connector: 'swept', tool: 'x' }] })
        .expect(201);
      const agent = await createApiKey(t, org, { scopes: ['mcp:call'] });
      const check = await t.http.post('/v1/check').set(bearer(agent.secret)).send({ serverName: 'swept', toolName: 'x' }).expect(200);
      const { approvalId } = check.body as { approvalId: string };
      const db2 = new pg.Client({ connectionString: t.env.DATABASE_URL });
      await db2.connect();
      await db2.query("UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = $1", [approvalId]);
      const expireJob = await queue.add(QUEUES.maintenance.jobs.expireApprovals, {}, { jobId: `expire-${approvalId}` });
      await expireJob.waitUntilFinished(events, 10_000);
      const status = (await db2.query('SELECT status FROM approvals WHERE id = $1', [approvalId])).rows[0] as { status: string };
      await db2.end();
      expect(status.status).toBe('expired');
    } finally {
      await events.close();
      await queue.close();
    }
  }, 90_000);

  it('runs the audit retention job: each org loses only its entries older than its own retention', async () => {
    const { connection, prefix } = bullConnection(t.env);
    const queue = new Queue(QUEUES.maintenance.name, { connection, prefix });
    const events = new QueueEvents(QUEUES.maintenance.name, { connection, prefix });
    const db = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await db.connect();
    try {
      const check = async (org: Awaited<ReturnType<typeof createOrg>>, toolName: string) => {
        const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
        await t.http.post('/v1/check').set(bearer(key)).send({ serverName: 'svc', toolName }).expect(200);
      };
      const short = await createOrg(t);
      const long = await createOrg(t);
      await t.http.patch(`/api/admin/orgs/${short.id}`).set(adminAuth(t)).send({ audit_retention_days: 1 }).expect(200);
      await check(short, 'old');
      await check(long, 'old');
      // Two days old: past the short org's retention (1 day), well within the other's (the default 90).
      await db.query("UPDATE audit_entries SET timestamp = now() - interval '2 days' WHERE org_id = ANY($1)", [[short.id, long.id]]);
      await check(short, 'recent');

      await events.waitUntilReady();
      const job = await queue.add(QUEUES.maintenance.jobs.enforceAuditRetention, {}, { jobId: `retention-${short.id}` });
      await job.waitUntilFinished(events, 30_000);

      const tools = async (orgId: string) =>
        (await db.query('SELECT tool_name FROM audit_entries WHERE org_id = $1 ORDER BY tool_name', [orgId])).rows.map((r: { tool_name: string }) => r.tool_name);
      expect(await tools(short.id)).toEqual(['recent']);
      expect(await tools(long.id)).toEqual(['old']);
      const listed = (await t.http.get('/api/audit').set(bearer(short.ownerKey)).expect(200)).body as { entries: { tool_name: string }[] };
      expect(listed.entries.map((e) => e.tool_name)).toEqual(['recent']);
    } finally {
      await db.end();
      await events.close();
      await queue.close();
    }
  }, 60_000);
});
