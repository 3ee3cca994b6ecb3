import autocannon from 'autocannon';
import { createBenchOrg, startBenchServer } from '../common/harness.js';

/**
 * POST /v1/check at concurrency 50 (target: >= 3,000 req/s, p99 <= 25 ms, no errors),
 * each request evaluated against a 20-rule policy and durably audited.
 * Usage: npm run build && node dist/bench/check/check.bench.js [seconds] [connections]
 */
const duration = Number(process.argv[2] ?? 60);
const connections = Number(process.argv[3] ?? 50);
const server = await startBenchServer({ DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL: '10000000', DATA_PLANE_RATE_LIMIT_PER_ORG: '10000000' });
try {
  const owner = await createBenchOrg(server);
  const headers = { Authorization: `Bearer ${owner}`, 'Content-Type': 'application/json' };
  const rules = Array.from({ length: 19 }, (_, i) => ({ action: 'deny', connector: `other-${i}`, tool: 'drop_*' }));
  rules.push({ action: 'allow', connector: 'demo', tool: 'send_*' });
  const policy = (await (await fetch(`${server.url}/api/policies`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench', rules, default_action: 'deny' }) })).json()) as { id: string };
  const key = (await (
    await fetch(`${server.url}/api/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench', scopes: ['mcp:call'], policy_id: policy.id }) })
  ).json()) as { secret: string };
  const body = JSON.stringify({ serverName: 'demo', toolName: 'send_email', args: { to: 'someone@example.com', subject: 'hi' } });
  const opts = { url: `${server.url}/v1/check`, method: 'POST' as const, body, headers: { Authorization: `Bearer ${key.secret}`, 'Content-Type': 'application/json' }, connections };
  await autocannon({ ...opts, duration: 3 });
  const cpu0 = server.apiCpuSeconds();
  const r = await autocannon({ ...opts, duration });
  const apiCpu = server.apiCpuSeconds() - cpu0;
  console.log(
    JSON.stringify(
      {
        bench: 'check',
        connections,
        duration_s: duration,
        requests: r.requests.total,
        requests_per_s: Math.round(r.requests.average),
        latency_ms: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
        non_2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        // The api's CPU per request: comparable between runs even when the machine is shared.
        api_cpu_us_per_request: r.requests.total > 0 ? Math.round((apiCpu * 1e6) / r.requests.total) : null,
      },
      null,
      2,
    ),
  );
} finally {
  await server.stop();
}
