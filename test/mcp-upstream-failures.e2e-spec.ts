import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { bearer, connectMcp, createApiKey, createOrg, createStdioGateway, startTestApp, type TestApp } from '@gatehouse/testing';

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
const schema = { type: 'object', properties: {} };
const tool = (name: string) => ({ name, description: `The ${name} tool`, inputSchema: schema });

/**
 * How the gateway treats an upstream that fails, per kind of failure: an
 * upstream that refuses a call is alive (its session is kept and its breaker
 * stays closed), one that times out keeps its session, and one whose
 * transport keeps failing trips its connector's breaker. Each case has an org
 * (and so a connector and a breaker) of its own, served by the stdio fixture,
 * which logs its pid with every call it gets.
 */
describe('data plane: upstream failures', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ STDIO_ALLOWLIST: process.execPath, UPSTREAM_CALL_TIMEOUT_MS: '1000' });
  });
  afterAll(() => t.close(), 30_000);

  async function upstream(tools: string[]) {
    const org = await createOrg(t);
    const { calls } = await createStdioGateway(t, org, 'local', tools.map(tool));
    const key = (await createApiKey(t, org, { scopes: ['mcp:call'] })).secret;
    const { client } = await connectMcp(t, org.slug, key);
    const call = async (name: string) => (await client.callTool({ name: `local__${name}`, arguments: {} })) as CallToolResult;
    const pids = () => calls().map((line) => (JSON.parse(line) as { pid: number }).pid);
    type Entry = { kind: string; decision: string; tool_name: string | null; connector_name: string | null; reason: string | null; error_code: string | null };
    const audit = async () => ((await t.http.get('/api/audit?limit=100').set(bearer(org.ownerKey)).expect(200)).body as { entries: Entry[] }).entries;
    const auditOf = async (match: (e: Entry) => boolean) => (await audit()).filter(match);
    return { client, call, calls, pids, audit, auditOf };
  }

  it('passes on a JSON-RPC refusal as an error result, keeping the session and the breaker closed', async () => {
    const u = await upstream(['echo', 'reject']);
    const listed = (await u.client.listTools()).tools.map((x) => x.name);
    expect((await u.call('echo')).isError).toBeFalsy();
    // More refusals than the breaker's threshold (5).
    for (let i = 0; i < 6; i++) {
      const refused = await u.call('reject');
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/^Upstream local failed \(upstream_rejected\): upstream refused the call: .*reject takes no calls/);
    }
    expect((await u.call('echo')).isError).toBeFalsy();
    const pids = u.pids();
    expect(pids).toHaveLength(8);
    expect(new Set(pids).size).toBe(1); // one upstream process served every call
    expect((await u.client.listTools()).tools.map((x) => x.name)).toEqual(listed);
    expect(listed).toEqual(['local__echo', 'local__reject']);
    await u.client.close();
  });

  it('keeps the session of an upstream that timed out', async () => {
    const u = await upstream(['echo', 'hang']);
    expect((await u.call('echo')).isError).toBeFalsy();
    const hung = await u.call('hang');
    expect(text(hung)).toMatch(/upstream_timeout/);
    expect((await u.call('echo')).isError).toBeFalsy();
    expect(new Set(u.pids()).size).toBe(1);
    await u.client.close();
  }, 30_000);

  it('opens the breaker of a connector whose transport keeps failing: calls fail fast, are audited, and reach no upstream', async () => {
    const u = await upstream(['echo', 'crash']);
    for (let i = 0; i < 5; i++) expect(text(await u.call('crash'))).toMatch(/^Upstream local failed \(upstream_error\)/);
    expect(new Set(u.pids()).size).toBe(5); // each crash took its process down, and the next call started another
    const before = u.calls().length;
    const paused = await u.call('echo');
    expect(paused.isError).toBe(true);
    expect(text(paused)).toMatch(/circuit_open/);
    expect(u.calls()).toHaveLength(before);
    let codes: (string | null)[] = [];
    for (let i = 0; i < 50 && !codes.includes('circuit_open'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      codes = (await u.audit()).filter((e) => e.tool_name === 'echo').map((e) => e.error_code);
    }
    expect(codes).toContain('circuit_open');
    // While its calls are paused, the connector's tools are not offered, and the audit says why.
    expect((await u.client.listTools()).tools).toEqual([]);
    let omitted: { reason: string | null }[] = [];
    for (let i = 0; i < 50 && omitted.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      omitted = (await u.auditOf((e) => e.kind === 'list' && e.decision === 'omitted'));
    }
    expect(omitted[0]).toEqual(expect.objectContaining({ connector_name: 'local', reason: 'connector failing: calls are paused (circuit open)' }));
    await u.client.close();
  }, 30_000);
});
