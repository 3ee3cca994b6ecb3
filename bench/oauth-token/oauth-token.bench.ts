import autocannon from 'autocannon';
import { createBenchOrg, startBenchServer } from '../common/harness.js';

/**
 * POST /oauth/token throughput and latency (target: >= 1,000 tokens/s).
 * Rate limits are raised for the run; everything else is production code.
 * Usage: npm run build && node dist/bench/oauth-token/oauth-token.bench.js [seconds] [connections]
 */
const duration = Number(process.argv[2] ?? 15);
const connections = Number(process.argv[3] ?? 16);

const server = await startBenchServer();
try {
  const owner = await createBenchOrg(server);
  const res = await fetch(`${server.url}/api/oauth-clients`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${owner}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['mcp:call'] }),
  });
  const client = (await res.json()) as { client_id: string; client_secret: string };
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString();

  await autocannon({ url: `${server.url}/oauth/token`, method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, connections, duration: 2 });
  const result = await autocannon({
    url: `${server.url}/oauth/token`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    connections,
    duration,
  });
  console.log(
    JSON.stringify(
      {
        bench: 'oauth-token',
        connections,
        duration_s: duration,
        requests: result.requests.total,
        tokens_per_s: Math.round(result.requests.average),
        latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
        non_2xx: result.non2xx,
        errors: result.errors,
      },
      null,
      2,
    ),
  );
} finally {
  await server.stop();
}
