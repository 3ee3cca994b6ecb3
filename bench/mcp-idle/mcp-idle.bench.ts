import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { withOwnAbortSignal } from '@gatehouse/connectors';
import { createBenchOrg, percentile, startBenchServer } from '../common/harness.js';

/**
 * tools/call of server-everything's `echo` after a pause, as an agent makes
 * it between two turns of its model: through the gateway and directly, each
 * call after `idle-ms` of quiet for every process. mcp-proxy measures calls
 * back to back, where every cache and connection is warm.
 * Usage: npm run build && node dist/bench/mcp-idle/mcp-idle.bench.js [calls-per-side] [idle-ms]
 */
const calls = Number(process.argv[2] ?? 6);
const idleMs = Number(process.argv[3] ?? 11_000);
const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');

const upstreamPort = 19000 + Math.floor(Math.random() * 500);
const upstream = spawn(process.execPath, [everything, 'streamableHttp'], { env: { ...process.env, PORT: String(upstreamPort) }, stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 1500));
const upstreamUrl = `http://127.0.0.1:${upstreamPort}/mcp`;
const server = await startBenchServer({ ALLOW_PRIVATE_UPSTREAMS: 'true' });

async function client(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, fetch: withOwnAbortSignal(fetch) }));
  return c;
}

async function afterPause(c: Client, tool: string, i: number): Promise<number> {
  await new Promise((r) => setTimeout(r, idleMs));
  const t0 = process.hrtime.bigint();
  await c.callTool({ name: tool, arguments: { message: `m${i}` } });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

try {
  const owner = await createBenchOrg(server);
  const auth = { Authorization: `Bearer ${owner}` };
  const post = (path: string, body: object) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<Record<string, unknown>>;
    });
  const org = (await (await fetch(`${server.url}/api/whoami`, { headers: auth })).json()) as { org_slug: string };
  await post('/api/connectors', { name: 'everything', type: 'mcp_http', config: { url: upstreamUrl } });
  await post('/api/gateways', { saved_name: 'bench', servers_config: { servers: [{ saved_name: 'everything', server_version: 'v1', tools: ['echo'] }] } });
  const key = (await post('/api/api-keys', { name: 'bench', scopes: ['mcp:call'] })).secret as string;
  const direct = await client(upstreamUrl);
  const viaGateway = await client(`${server.url}/mcp/${org.org_slug}`, { Authorization: `Bearer ${key}` });
  for (let i = 0; i < 50; i++) {
    await direct.callTool({ name: 'echo', arguments: { message: 'w' } });
    await viaGateway.callTool({ name: 'everything__echo', arguments: { message: 'w' } });
  }
  // Alternating, so that both sides see the same machine.
  const d: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < calls; i++) {
    g.push(await afterPause(viaGateway, 'everything__echo', i));
    d.push(await afterPause(direct, 'echo', i));
  }
  const f = (x: number) => +x.toFixed(2);
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        bench: 'mcp-idle',
        idle_ms: idleMs,
        calls_per_side: calls,
        direct_ms: d.map(f),
        gateway_ms: g.map(f),
        added_p50_ms: f(percentile(sorted(g), 50) - percentile(sorted(d), 50)),
      },
      null,
      2,
    ),
  );
  await Promise.all([direct.close(), viaGateway.close()]);
} finally {
  await server.stop();
  upstream.kill();
}
