import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { withOwnAbortSignal } from '@gatehouse/connectors';
import { createBenchOrg, startBenchServer, type BenchServer } from './harness.js';

export interface EchoGateway {
  server: BenchServer;
  /** server-everything over streamable HTTP. */
  upstream: ChildProcess;
  upstreamUrl: string;
  /** The org's /mcp endpoint, whose gateway serves the upstream's echo as `everything__echo`. */
  gatewayUrl: string;
  /** An API key with `mcp:call`. */
  key: string;
  stop(): Promise<void>;
}

/** An MCP client of the SDK; each request gets its own abort signal (the SDK's transport otherwise piles an 'abort' listener per call on one). */
export async function mcpClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, fetch: withOwnAbortSignal(fetch) }));
  return c;
}

/**
 * Brings the api, the upstream and this process to the steady state of a
 * gateway in service: V8 optimises a function only after many calls, and
 * until it has, it compiles on background threads that take the cores from
 * every other process. Over 2,000 c=1 calls that followed 300 calls of
 * warm-up, V8 compiled 296 of the api's functions on those threads (906 ms,
 * `--trace-opt`); after 4,000 calls of warm-up, 21 (42 ms). Calls
 * `callsPerSide` times through each side, `concurrency` at a time.
 */
export async function warmUp(setup: EchoGateway, callsPerSide: number, concurrency = 8): Promise<void> {
  const side = async (url: string, tool: string, headers?: Record<string, string>) => {
    const clients = await Promise.all(Array.from({ length: concurrency }, () => mcpClient(url, headers)));
    let left = callsPerSide;
    await Promise.all(
      clients.map(async (c) => {
        while (left-- > 0) {
          const res = await c.callTool({ name: tool, arguments: { message: 'warm' } });
          if (res.isError) throw new Error(`warm-up call failed: ${JSON.stringify(res.content)}`);
        }
      }),
    );
    await Promise.all(clients.map((c) => c.close()));
  };
  await side(setup.upstreamUrl, 'echo');
  await side(setup.gatewayUrl, 'everything__echo', { Authorization: `Bearer ${setup.key}` });
}

/**
 * What the MCP benches measure, through the gateway and directly: the api
 * (with `extraEnv`), server-everything, and an org whose one gateway serves
 * the upstream's echo.
 */
export async function startEchoGateway(extraEnv: Record<string, string> = {}): Promise<EchoGateway> {
  const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const upstreamPort = 19000 + Math.floor(Math.random() * 500);
  const upstream = spawn(process.execPath, [everything, 'streamableHttp'], { env: { ...process.env, PORT: String(upstreamPort) }, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}/mcp`;
  const server = await startBenchServer({ ALLOW_PRIVATE_UPSTREAMS: 'true', ...extraEnv });
  const stop = async () => {
    await server.stop();
    upstream.kill();
  };
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
    return { server, upstream, upstreamUrl, gatewayUrl: `${server.url}/mcp/${org.org_slug}`, key, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
