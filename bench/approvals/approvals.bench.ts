import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { createBenchOrg, percentile, startBenchReplica, startBenchServer, type BenchServer } from '../common/harness.js';

/**
 * Time from a person's decision to the held tools/call being forwarded
 * upstream (target: p99 <= 50 ms on loopback). The call is held on api
 * process A; the decision is posted to api process B (or to A itself), as the
 * approval link or API would. Clocks: the bench, both api processes and the
 * upstream (in this process) share the machine's monotonic clock, read as
 * performance.timeOrigin + performance.now().
 *
 * Measured per call:
 *   decision→forward: approve request sent → upstream receives the call (an upper bound: it includes the approve request itself)
 *   decision→answer:  approve request sent → the agent has the tool's answer
 * Usage: npm run build && node dist/bench/approvals/approvals.bench.js [calls-per-mode]
 */
const calls = Number(process.argv[2] ?? 200);
const now = (): number => performance.timeOrigin + performance.now();

// The upstream: a real MCP server over streamable HTTP that notes when each call arrives.
const arrivals = new Map<string, number>();
function upstreamServer(): McpServer {
  const mcp = new McpServer({ name: 'bench-upstream', version: '1.0.0' });
  mcp.registerTool('send_email', { description: 'Sends an email', inputSchema: { id: z.string() } }, ({ id }) => {
    arrivals.set(id, now());
    return { content: [{ type: 'text', text: id }] };
  });
  return mcp;
}
const http: HttpServer = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const mcp = upstreamServer();
    res.on('close', () => void transport.close().then(() => mcp.close()));
    void mcp.connect(transport).then(() => transport.handleRequest(req, res, body));
  });
});
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;

const env = { ALLOW_PRIVATE_UPSTREAMS: 'true', APPROVAL_HOLD_SECONDS: '30', DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL: '10000000', DATA_PLANE_RATE_LIMIT_PER_ORG: '10000000' };
const a = await startBenchServer(env);
const b = await startBenchReplica(a, env);

interface Figures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
const figures = (xs: number[]): Figures => {
  const s = [...xs].sort((x, y) => x - y);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), p99: r(percentile(s, 99)), max: r(s[s.length - 1]) };
};

try {
  const owner = await createBenchOrg(a);
  const auth = { Authorization: `Bearer ${owner}` };
  const api = async (server: BenchServer, method: string, path: string, body?: object): Promise<Record<string, unknown>> => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, unknown>;
  };
  const org = (await api(a, 'GET', '/api/whoami')) as { org_slug: string };
  await api(a, 'POST', '/api/connectors', { name: 'up', type: 'mcp_http', config: { url: upstreamUrl } });
  await api(a, 'POST', '/api/gateways', { saved_name: 'bench', servers_config: { servers: [{ saved_name: 'up', server_version: 'v1' }] } });
  await api(a, 'POST', '/api/policies', { name: 'ask', is_default: true, default_action: 'allow', rules: [{ action: 'require_approval', connector: 'up', tool: 'send_email' }] });
  const key = (await api(a, 'POST', '/api/api-keys', { name: 'agent', scopes: ['mcp:call'] })).secret as string;

  const agent = new Client({ name: 'bench-agent', version: '1' });
  await agent.connect(new StreamableHTTPClientTransport(new URL(`${a.url}/mcp/${org.org_slug}`), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));

  async function pendingId(): Promise<string> {
    for (;;) {
      const page = (await api(a, 'GET', '/api/approvals?status=pending&limit=1')) as { approvals: { id: string }[] };
      if (page.approvals[0]) return page.approvals[0].id;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  async function run(decider: BenchServer, n: number): Promise<{ forward: number[]; answer: number[]; approve: number[] }> {
    const forward: number[] = [];
    const answer: number[] = [];
    const approve: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = `${decider === a ? 'a' : 'b'}-${i}-${Math.random().toString(36).slice(2)}`;
      const held = agent.callTool({ name: 'up__send_email', arguments: { id } });
      const approvalId = await pendingId();
      // Let the held call settle into its wait, as it would while a person reads the page.
      await new Promise((r) => setTimeout(r, 5));
      const t0 = now();
      await api(decider, 'POST', `/api/approvals/${approvalId}/approve`, { duration: 'once' });
      approve.push(now() - t0);
      const result = (await held) as { isError?: boolean };
      const t1 = now();
      if (result.isError) throw new Error(`call ${id} was not forwarded: ${JSON.stringify(result)}`);
      const arrived = arrivals.get(id);
      if (arrived === undefined) throw new Error(`upstream never saw ${id}`);
      forward.push(arrived - t0);
      answer.push(t1 - t0);
    }
    return { forward, answer, approve };
  }

  await run(a, 20); // warm-up: upstream session, caches, JIT
  const same = await run(a, calls);
  const cross = await run(b, calls);
  console.log(
    JSON.stringify(
      {
        bench: 'approvals',
        calls_per_mode: calls,
        decision_on_same_process_ms: { decision_to_forward: figures(same.forward), decision_to_answer: figures(same.answer), approve_request: figures(same.approve) },
        decision_on_other_process_ms: { decision_to_forward: figures(cross.forward), decision_to_answer: figures(cross.answer), approve_request: figures(cross.approve) },
      },
      null,
      2,
    ),
  );
  await agent.close();
} finally {
  await b.stop();
  await a.stop();
  http.close();
}
