import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mcpClient as client, startEchoGateway, warmUp } from '../common/echo-gateway.js';
import { percentile } from '../common/harness.js';

/**
 * tools/call of server-everything's `echo` after a pause, as an agent makes
 * it between two turns of its model: through the gateway and directly, each
 * call after `idle-ms` of quiet for every process. mcp-proxy measures calls
 * back to back, where every cache and connection is warm. Both sides are
 * first warmed up (`warm-up-calls` per side, see warmUp), as a gateway in service is.
 * Usage: npm run build && node dist/bench/mcp-idle/mcp-idle.bench.js [calls-per-side] [idle-ms] [warm-up-calls]
 */
const calls = Number(process.argv[2] ?? 6);
const idleMs = Number(process.argv[3] ?? 11_000);
const warmUpCalls = Number(process.argv[4] ?? 5000);
// Rate limits raised as in mcp-proxy: the warm-up alone makes thousands of calls a minute.
const setup = await startEchoGateway({ DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL: '10000000', DATA_PLANE_RATE_LIMIT_PER_ORG: '10000000' });

async function afterPause(c: Client, tool: string, i: number): Promise<number> {
  await new Promise((r) => setTimeout(r, idleMs));
  const t0 = process.hrtime.bigint();
  await c.callTool({ name: tool, arguments: { message: `m${i}` } });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

try {
  await warmUp(setup, warmUpCalls);
  const direct = await client(setup.upstreamUrl);
  const viaGateway = await client(setup.gatewayUrl, { Authorization: `Bearer ${setup.key}` });
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
        warm_up_calls_per_side: warmUpCalls,
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
  await setup.stop();
}
