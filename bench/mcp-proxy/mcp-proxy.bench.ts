import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mcpClient as client, startEchoGateway, warmUp } from '../common/echo-gateway.js';
import { percentile, processCpuSeconds } from '../common/harness.js';

/**
 * tools/call of server-everything's `echo` through the gateway against the
 * same upstream called directly, in one run, at concurrency 1 and 32.
 * Both sides are first warmed up (`warm-up-calls` per side at c=8, see
 * warmUp): what is measured is a gateway in service, not one still compiling.
 * Usage: npm run build && node dist/bench/mcp-proxy/mcp-proxy.bench.js [calls-at-c1] [seconds-at-c32] [warm-up-calls]
 */
const callsC1 = Number(process.argv[2] ?? 2000);
const secondsC32 = Number(process.argv[3] ?? 10);
const warmUpCalls = Number(process.argv[4] ?? 5000);
const setup = await startEchoGateway({ DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL: '10000000', DATA_PLANE_RATE_LIMIT_PER_ORG: '10000000' });
const { server, upstream, upstreamUrl, gatewayUrl, key } = setup;

async function latencies(c: Client, n: number, tool: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await c.callTool({ name: tool, arguments: { message: `m${i}` } });
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

async function throughput(clients: Client[], tool: string, seconds: number): Promise<number> {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (Date.now() < until) {
        await c.callTool({ name: tool, arguments: { message: 'x' } });
        done++;
      }
    }),
  );
  return done / seconds;
}

try {
  await warmUp(setup, warmUpCalls);
  const direct = await client(upstreamUrl);
  const viaGateway = await client(gatewayUrl, { Authorization: `Bearer ${key}` });
  await latencies(direct, 200, 'echo');
  await latencies(viaGateway, 200, 'everything__echo');
  // Interleave the two measurements so they see the same machine state.
  const half = Math.floor(callsC1 / 2);
  let apiCpuC1 = 0;
  const onGateway = async (): Promise<number[]> => {
    const before = server.apiCpuSeconds();
    const out = await latencies(viaGateway, half, 'everything__echo');
    apiCpuC1 += server.apiCpuSeconds() - before;
    return out;
  };
  const d1 = await latencies(direct, half, 'echo');
  const g1 = await onGateway();
  const d2 = await latencies(direct, half, 'echo');
  const g2 = await onGateway();
  const d = [...d1, ...d2].sort((a, b) => a - b);
  const g = [...g1, ...g2].sort((a, b) => a - b);

  const directClients = await Promise.all(Array.from({ length: 32 }, () => client(upstreamUrl)));
  const gatewayClients = await Promise.all(Array.from({ length: 32 }, () => client(gatewayUrl, { Authorization: `Bearer ${key}` })));
  // CPU per call of each process (api, upstream, this load generator) at c=32: comparable between runs even on a shared machine.
  const cpu = () => [server.apiCpuSeconds(), processCpuSeconds(upstream.pid), process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6];
  const perCall = (a: number[], b: number[], calls: number) => ({
    api: calls > 0 ? Math.round(((b[0] - a[0]) * 1e6) / calls) : null,
    upstream: calls > 0 ? Math.round(((b[1] - a[1]) * 1e6) / calls) : null,
    client: calls > 0 ? Math.round(((b[2] - a[2]) * 1e6) / calls) : null,
  });
  const c0 = cpu();
  const directRps = await throughput(directClients, 'echo', secondsC32);
  const c1 = cpu();
  const gatewayRps = await throughput(gatewayClients, 'everything__echo', secondsC32);
  const c2 = cpu();

  const f = (x: number) => +x.toFixed(3);
  console.log(
    JSON.stringify(
      {
        bench: 'mcp-proxy',
        warm_up_calls_per_side: warmUpCalls,
        concurrency_1: {
          calls: d.length,
          direct_ms: { p50: f(percentile(d, 50)), p99: f(percentile(d, 99)) },
          gateway_ms: { p50: f(percentile(g, 50)), p99: f(percentile(g, 99)) },
          added_ms: { p50: f(percentile(g, 50) - percentile(d, 50)), p99: f(percentile(g, 99) - percentile(d, 99)) },
          api_cpu_us_per_call: Math.round((apiCpuC1 * 1e6) / g.length),
        },
        concurrency_32: {
          seconds: secondsC32,
          direct_calls_per_s: Math.round(directRps),
          gateway_calls_per_s: Math.round(gatewayRps),
          gateway_share_of_direct: f(gatewayRps / directRps),
          cpu_us_per_call: { direct: perCall(c0, c1, directRps * secondsC32), gateway: perCall(c1, c2, gatewayRps * secondsC32) },
        },
      },
      null,
      2,
    ),
  );
  await Promise.all([...directClients, ...gatewayClients, direct, viaGateway].map((c) => c.close()));
} finally {
  await setup.stop();
}
