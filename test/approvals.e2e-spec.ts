import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApprovalNotificationsQueue, ApprovalsService } from '@gatehouse/approvals';
import { PrismaService } from '@gatehouse/db';
import { bearer, connectMcp, createApiKey, createOrg, createStdioGateway, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ApprovalBody {
  id: string;
  status: string;
  duration: string | null;
  grant_id: string | null;
  consumed_at: string | null;
  decided_by: string | null;
  arguments: Record<string, unknown>;
  connector: string;
  tool: string;
}

/**
 * Held calls end to end: two api processes on one Postgres and Redis, the
 * SDK's real client, a real stdio upstream that logs every call it gets.
 */
describe('approvals: held calls, decisions on another replica, grants', () => {
  let a: TestApp;
  let b: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let agent: { id: string; secret: string };
  let callLog: string;

  beforeAll(async () => {
    const env = { STDIO_ALLOWLIST: process.execPath, APPROVAL_HOLD_SECONDS: '3' };
    a = await startTestApp(env);
    b = await startTestApp(env, { migrate: false });
    org = await createOrg(a);
    other = await createOrg(a);
    const schema = { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } } };
    ({ callLog } = await createStdioGateway(a, org, 'local', [
      { name: 'echo', description: 'Echoes its arguments', inputSchema: schema },
      { name: 'send_email', description: 'Sends an email', inputSchema: schema },
      { name: 'delete_file', description: 'Deletes a file', inputSchema: schema },
    ]));
    await a.http
      .post('/api/policies')
      .set(bearer(org.ownerKey))
      .send({
        name: 'careful',
        is_default: true,
        default_action: 'allow',
        rules: [
          { action: 'require_approval', connector: 'local', tool: 'send_email' },
          { action: 'require_approval', connector: 'local', tool: 'delete_file' },
        ],
      })
      .expect(201);
    agent = await createApiKey(a, org, { scopes: ['mcp:call'] });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  }, 30_000);

  const calls = (): { tool: string; args: Record<string, unknown> }[] =>
    existsSync(callLog) ? readFileSync(callLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tool: string; args: Record<string, unknown> }) : [];

  /** The newest pending approval of a tool, as soon as it exists. */
  async function pendingApproval(t: TestApp, tool: string): Promise<ApprovalBody> {
    for (let i = 0; i < 100; i++) {
      const res = await t.http.get(`/api/approvals?status=pending&tool=${tool}`).set(bearer(org.ownerKey)).expect(200);
      const [first] = (res.body as { approvals: ApprovalBody[] }).approvals;
      if (first) return first;
      await sleep(20);
    }
    throw new Error(`no pending approval for ${tool}`);
  }

  it('holds the call and forwards it the moment a person approves on another api process', async () => {
    const { client } = await connectMcp(a, org.slug, agent.secret);
    const before = calls().length;
    const held = client.callTool({ name: 'local__send_email', arguments: { to: 'bob@example.com', body: 'hello' } }) as Promise<CallToolResult>;
    const approval = await pendingApproval(b, 'send_email');
    expect(approval.arguments.to).not.toContain('bob@example.com');
    expect(calls().length).toBe(before);
    const decided = await b.http.post(`/api/approvals/${approval.id}/approve`).set(bearer(org.ownerKey)).send({ duration: 'once' }).expect(200);
    expect(decided.body).toMatchObject({ status: 'approved', duration: 'once', grant_id: null, decided_by: org.ownerKeyId });
    const res = await held;
    expect(res.isError).toBeFalsy();
    expect(JSON.parse(text(res))).toEqual({ tool: 'send_email', args: { to: 'bob@example.com', body: 'hello' } });
    expect(calls().length).toBe(before + 1);
    const after = await a.http.get(`/api/approvals/${approval.id}`).set(bearer(org.ownerKey)).expect(200);
    expect((after.body as ApprovalBody).consumed_at).not.toBeNull();
    // The audit log tells the story: asked, then allowed by the approval.
    const audit = await a.http.get('/api/audit?limit=5').set(bearer(org.ownerKey)).expect(200);
    const entries = (audit.body as { entries: { decision: string; reason: string; success: boolean | null }[] }).entries;
    expect(entries.some((e) => e.decision === 'require_approval' && e.reason.includes(approval.id))).toBe(true);
    expect(entries.some((e) => e.decision === 'allow' && e.reason.includes(`approved (${approval.id})`))).toBe(true);
    await client.close();
  });

  it('after the hold answers an MCP error naming the approval (never the link); a retry once approved goes through exactly once', async () => {
    const { client } = await connectMcp(a, org.slug, agent.secret);
    const args = { to: 'carol@example.com', body: 'quarterly report' };
    const before = calls().length;
    const first = (await client.callTool({ name: 'local__send_email', arguments: args })) as CallToolResult;
    expect(first.isError).toBe(true);
    const id = /appr_[0-9a-z]{26}/.exec(text(first))?.[0];
    expect(id).toBeDefined();
    expect(text(first)).toMatch(/waiting for a person/);
    expect(text(first)).not.toMatch(/apt_|\/v1\/approve/);
    expect(calls().length).toBe(before);

    // Asking again while it is pending waits on the same approval rather than asking twice.
    const again = (await client.callTool({ name: 'local__send_email', arguments: args })) as CallToolResult;
    expect(text(again)).toContain(id);

    await a.http.post(`/api/approvals/${id}/approve`).set(bearer(org.ownerKey)).send({}).expect(200);
    const retry = (await client.callTool({ name: 'local__send_email', arguments: args })) as CallToolResult;
    expect(retry.isError).toBeFalsy();
    expect(calls().length).toBe(before + 1);

    // A one-time approval is used up, and never covered different arguments.
    const other = (await client.callTool({ name: 'local__send_email', arguments: { ...args, to: 'mallory@example.com' } })) as CallToolResult;
    expect(other.isError).toBe(true);
    expect(text(other)).not.toContain(id);
    const replay = (await client.callTool({ name: 'local__send_email', arguments: args })) as CallToolResult;
    expect(replay.isError).toBe(true);
    expect(calls().length).toBe(before + 1);
    await client.close();
  }, 30_000);

  it('screens the arguments before asking: nobody is asked to approve what the input guardrails block', async () => {
    await a.http
      .post('/api/gateways')
      .set(bearer(org.ownerKey))
      .send({
        saved_name: 'screened',
        servers_config: {
          servers: [{ saved_name: 'local', server_version: 'v1', input_guardrails_config: { enabled: true, guardrail_name: 'g', additional_config: {}, block: ['secrets'] } }],
        },
      })
      .expect(201);
    const { client } = await connectMcp(a, org.slug, agent.secret, { headers: { 'X-MCP-Gateway': 'screened' } });
    const asked = async () =>
      ((await a.http.get('/api/approvals?tool=send_email&limit=100').set(bearer(org.ownerKey)).expect(200)).body as { approvals: ApprovalBody[] }).approvals.length;
    const before = { approvals: await asked(), calls: calls().length };
    const blocked = (await client.callTool({ name: 'local__send_email', arguments: { to: 'dave@example.com', body: 'key AKIAIOSFODNN7EXAMPLE' } })) as CallToolResult;
    expect(blocked.isError).toBe(true);
    expect(text(blocked)).toMatch(/Blocked by input guardrail/);
    expect(await asked()).toBe(before.approvals);
    expect(calls().length).toBe(before.calls);
    // Clean arguments on the same gateway are still asked about.
    const held = (await client.callTool({ name: 'local__send_email', arguments: { to: 'dave@example.com', body: 'hello' } })) as CallToolResult;
    expect(text(held)).toMatch(/waiting for a person/);
    expect(await asked()).toBe(before.approvals + 1);
    await client.close();
  }, 30_000);

  it('identical calls arriving together share one approval', async () => {
    const clients = await Promise.all([connectMcp(a, org.slug, agent.secret), connectMcp(b, org.slug, agent.secret), connectMcp(a, org.slug, agent.secret)]);
    const args = { to: `together-${Date.now()}`, body: 'same' };
    const results = (await Promise.all(clients.map(({ client }) => client.callTool({ name: 'local__delete_file', arguments: args })))) as CallToolResult[];
    const ids = new Set(results.map((r) => /appr_[0-9a-z]{26}/.exec(text(r))?.[0]));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeDefined();
    const listed = (await a.http.get('/api/approvals?tool=delete_file&limit=100').set(bearer(org.ownerKey)).expect(200)).body as { approvals: ApprovalBody[] };
    expect(listed.approvals.filter((x) => x.arguments.to === args.to)).toHaveLength(1);
    // Leave nothing pending for the tests that look for the newest pending approval of a tool.
    await a.http.post(`/api/approvals/${[...ids][0]}/deny`).set(bearer(org.ownerKey)).send({}).expect(200);
    await Promise.all(clients.map(({ client }) => client.close()));
  }, 30_000);

  it('a denial ends the held call with the reason and nothing reaches the upstream', async () => {
    const { client } = await connectMcp(a, org.slug, agent.secret);
    const before = calls().length;
    const held = client.callTool({ name: 'local__delete_file', arguments: { to: '/etc/passwd' } }) as Promise<CallToolResult>;
    const approval = await pendingApproval(a, 'delete_file');
    await b.http.post(`/api/approvals/${approval.id}/deny`).set(bearer(org.ownerKey)).expect(200);
    const res = await held;
    expect(res.isError).toBe(true);
    expect(text(res)).toContain(`Denied by an approver: approval ${approval.id}`);
    expect(calls().length).toBe(before);
    await a.http.post(`/api/approvals/${approval.id}/approve`).set(bearer(org.ownerKey)).send({}).expect(409);
    await client.close();
  });

  it('an approval that expires wakes its held call; it can no longer be decided', async () => {
    const { client } = await connectMcp(a, org.slug, agent.secret);
    const held = client.callTool({ name: 'local__delete_file', arguments: { to: '/tmp/x' } }) as Promise<CallToolResult>;
    const approval = await pendingApproval(a, 'delete_file');
    const prisma = a.app.get(PrismaService);
    await prisma.approval.update({ where: { id: approval.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { expired } = await a.app.get(ApprovalsService).expireStale();
    expect(expired).toBeGreaterThanOrEqual(1);
    const res = await held;
    expect(text(res)).toContain(`Approval ${approval.id} expired`);
    const after = await a.http.get(`/api/approvals/${approval.id}`).set(bearer(org.ownerKey)).expect(200);
    expect((after.body as ApprovalBody).status).toBe('expired');
    const late = await a.http.post(`/api/approvals/${approval.id}/approve`).set(bearer(org.ownerKey)).send({}).expect(409);
    expect((late.body as { error: { code: string } }).error.code).toBe('approval_already_decided');
    await client.close();
  });

  it('a decision for 1h creates a grant that lets the same credential + connector + tool through until revoked', async () => {
    const { client } = await connectMcp(a, org.slug, agent.secret);
    const held = client.callTool({ name: 'local__delete_file', arguments: { to: '/tmp/a' } }) as Promise<CallToolResult>;
    const approval = await pendingApproval(a, 'delete_file');
    const decided = await a.http.post(`/api/approvals/${approval.id}/approve`).set(bearer(org.ownerKey)).send({ duration: '1h' }).expect(200);
    const grantId = (decided.body as ApprovalBody).grant_id;
    expect(grantId).toMatch(/^grant_/);
    expect((await held).isError).toBeFalsy();

    const before = calls().length;
    const next = (await client.callTool({ name: 'local__delete_file', arguments: { to: '/tmp/b' } })) as CallToolResult;
    expect(next.isError).toBeFalsy();
    expect(calls().length).toBe(before + 1);

    const grants = await a.http.get('/api/approvals/grants?active=true').set(bearer(org.ownerKey)).expect(200);
    const listed = (grants.body as { grants: { id: string; duration: string; tool: string; credential_id: string; active: boolean }[] }).grants;
    expect(listed).toContainEqual(expect.objectContaining({ id: grantId, duration: '1h', tool: 'delete_file', credential_id: agent.id, active: true }));
    await a.http.get(`/api/approvals/grants/${grantId}`).set(bearer(other.ownerKey)).expect(404);

    const revoked = await b.http.post(`/api/approvals/grants/${grantId}/revoke`).set(bearer(org.ownerKey)).expect(200);
    expect(revoked.body).toMatchObject({ id: grantId, active: false, revoked_by: org.ownerKeyId });
    await b.http.post(`/api/approvals/grants/${grantId}/revoke`).set(bearer(org.ownerKey)).expect(200);
    const asked = (await client.callTool({ name: 'local__delete_file', arguments: { to: '/tmp/c' } })) as CallToolResult;
    expect(asked.isError).toBe(true);
    expect(text(asked)).toMatch(/Approval required/);
    // Nor does the decision that made the grant let the original call through once more.
    const replay = (await client.callTool({ name: 'local__delete_file', arguments: { to: '/tmp/a' } })) as CallToolResult;
    expect(replay.isError).toBe(true);
    expect(text(replay)).toMatch(/Approval required/);
    await client.close();
  }, 30_000);

  it('/v1/check reports require_approval with the approval id, and allow once it is approved', async () => {
    const key = await createApiKey(a, org, { scopes: ['mcp:call'] });
    const body = { serverName: 'local', toolName: 'send_email', args: { to: 'dave@example.com' } };
    const first = await a.http.post('/v1/check').set(bearer(key.secret)).send(body).expect(200);
    expect(first.body).toMatchObject({ decision: 'require_approval', approvalId: expect.stringMatching(/^appr_/) as unknown });
    const { approvalId } = first.body as { approvalId: string };
    const stored = await a.http.get(`/api/approvals/${approvalId}`).set(bearer(org.ownerKey)).expect(200);
    // /v1/check never stores arguments: the approver sees their names only.
    expect((stored.body as ApprovalBody).arguments).toEqual({ to: '[not stored]' });
    await a.http.post(`/api/approvals/${approvalId}/approve`).set(bearer(org.ownerKey)).send({ duration: 'once' }).expect(200);
    const second = await a.http.post('/v1/check').set(bearer(key.secret)).send(body).expect(200);
    expect(second.body).toMatchObject({ decision: 'allow' });
    expect((second.body as { reason: string }).reason).toContain(approvalId);
    const third = await a.http.post('/v1/check').set(bearer(key.secret)).send(body).expect(200);
    expect((third.body as { decision: string }).decision).toBe('require_approval');
  });

  it('a credential cannot decide what its own call asked for', async () => {
    const both = await createApiKey(a, org, { scopes: ['mcp:call', 'approvals:decide'] });
    const res = await a.http.post('/v1/check').set(bearer(both.secret)).send({ serverName: 'local', toolName: 'delete_file', args: { to: '/self' } }).expect(200);
    const { approvalId } = res.body as { approvalId: string };
    const refused = await a.http.post(`/api/approvals/${approvalId}/approve`).set(bearer(both.secret)).send({}).expect(403);
    expect((refused.body as { error: { code: string } }).error.code).toBe('approval_self_decision');
    await a.http.post(`/api/approvals/${approvalId}/deny`).set(bearer(both.secret)).expect(403);
    const still = await a.http.get(`/api/approvals/${approvalId}`).set(bearer(org.ownerKey)).expect(200);
    expect((still.body as ApprovalBody).status).toBe('pending');
    await a.http.post(`/api/approvals/${approvalId}/deny`).set(bearer(org.ownerKey)).expect(200);
  });

  it('two concurrent decisions of one approval: exactly one wins', async () => {
    const key = await createApiKey(a, org, { scopes: ['mcp:call'] });
    const res = await a.http.post('/v1/check').set(bearer(key.secret)).send({ serverName: 'local', toolName: 'delete_file' }).expect(200);
    const { approvalId } = res.body as { approvalId: string };
    const answers = await Promise.all([
      a.http.post(`/api/approvals/${approvalId}/approve`).set(bearer(org.ownerKey)).send({ duration: '8h' }),
      b.http.post(`/api/approvals/${approvalId}/deny`).set(bearer(org.ownerKey)),
      b.http.post(`/api/approvals/${approvalId}/approve`).set(bearer(org.ownerKey)).send({ duration: 'once' }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const grants = await a.app.get(PrismaService).approvalGrant.count({ where: { approvalId } });
    const winner = answers.find((r) => r.status === 200)?.body as ApprovalBody;
    expect(grants).toBe(winner.duration === '8h' ? 1 : 0);
  });

  it('lists with filters and cursor, validates input, and keeps approvals to their organisation and scope', async () => {
    const page1 = await a.http.get('/api/approvals?limit=2').set(bearer(org.ownerKey)).expect(200);
    const body1 = page1.body as { approvals: ApprovalBody[]; next_cursor: string };
    expect(body1.approvals).toHaveLength(2);
    const page2 = await a.http.get(`/api/approvals?limit=2&cursor=${body1.next_cursor}`).set(bearer(org.ownerKey)).expect(200);
    const ids2 = (page2.body as { approvals: ApprovalBody[] }).approvals.map((x) => x.id);
    expect(ids2.some((id) => body1.approvals.some((x) => x.id === id))).toBe(false);
    const denied = await a.http.get('/api/approvals?status=denied').set(bearer(org.ownerKey)).expect(200);
    expect((denied.body as { approvals: ApprovalBody[] }).approvals.every((x) => x.status === 'denied')).toBe(true);

    const bad = await a.http.get('/api/approvals?status=maybe').set(bearer(org.ownerKey)).expect(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    const badDuration = await a.http.post(`/api/approvals/${body1.approvals[0].id}/approve`).set(bearer(org.ownerKey)).send({ duration: '2h' }).expect(400);
    expect(JSON.stringify(badDuration.body)).toContain('duration');

    await a.http.get(`/api/approvals/${body1.approvals[0].id}`).set(bearer(other.ownerKey)).expect(404);
    await a.http.post(`/api/approvals/${body1.approvals[0].id}/deny`).set(bearer(other.ownerKey)).expect(404);
    expect(((await a.http.get('/api/approvals').set(bearer(other.ownerKey)).expect(200)).body as { approvals: unknown[] }).approvals).toEqual([]);
    await a.http.get('/api/approvals').set(bearer(agent.secret)).expect(403);
    const decider = await createApiKey(a, org, { scopes: ['approvals:decide'] });
    await a.http.get('/api/approvals').set(bearer(decider.secret)).expect(200);
  });

  it('when nobody can be notified (the queue is down) the call is refused with a reason, not held unseen or let through', async () => {
    const c = await startTestApp({ STDIO_ALLOWLIST: process.execPath, APPROVAL_HOLD_SECONDS: '3' }, { migrate: false });
    try {
      await c.app.get(ApprovalNotificationsQueue).onApplicationShutdown();
      const key = await createApiKey(c, org, { scopes: ['mcp:call'] });
      const res = await c.http.post('/v1/check').set(bearer(key.secret)).send({ serverName: 'local', toolName: 'send_email', args: { to: 'x' } }).expect(200);
      expect(res.body).toMatchObject({ decision: 'deny' });
      expect((res.body as { reason: string }).reason).toMatch(/notification queue is unavailable/);

      const before = calls().length;
      const { client } = await connectMcp(c, org.slug, key.secret);
      const call = (await client.callTool({ name: 'local__send_email', arguments: { to: 'y' } })) as CallToolResult;
      expect(call.isError).toBe(true);
      expect(text(call)).toMatch(/nobody could be notified/);
      const id = /appr_[0-9a-z]{26}/.exec(text(call))?.[0] ?? '';
      const stored = await a.http.get(`/api/approvals/${id}`).set(bearer(org.ownerKey)).expect(200);
      expect(stored.body).toMatchObject({ status: 'denied', decided_by: 'system', notification_state: 'failed' });
      expect(calls().length).toBe(before);
      await client.close();
    } finally {
      await c.close();
    }
  }, 30_000);
});
