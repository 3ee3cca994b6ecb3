import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { createBenchOrg, percentile, startBenchServer } from '../common/harness.js';

/**
 * What authentication costs: the same server, in one run, answering an
 * authenticated GET (/api/whoami: passport strategy, key hash, cached lookup,
 * scope guard; no database) and the unauthenticated GET /health. Requests
 * alternate one at a time over keep-alive so both see the same conditions;
 * the difference of the medians is the cost of authentication.
 * Usage: npm run build && node dist/bench/auth/auth.bench.js [requests-per-route]
 */
const perRoute = Number(process.argv[2] ?? 20000);
const server = await startBenchServer();

function timed(agent: Agent, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = request(`${server.url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - start) / 1e6);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

try {
  const owner = await createBenchOrg(server);
  const auth = { Authorization: `Bearer ${owner}` };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 2000; i++) {
    await timed(agent, '/health', {});
    await timed(agent, '/api/whoami', auth);
  }
  const health: number[] = [];
  const authed: number[] = [];
  for (let i = 0; i < perRoute; i++) {
    health.push(await timed(agent, '/health', {}));
    authed.push(await timed(agent, '/api/whoami', auth));
  }
  health.sort((a, b) => a - b);
  authed.sort((a, b) => a - b);
  const stats = (xs: number[]) => ({ p50: +percentile(xs, 50).toFixed(3), p90: +percentile(xs, 90).toFixed(3), p99: +percentile(xs, 99).toFixed(3) });

  const throughput = async (path: string, headers: Record<string, string>) =>
    (await autocannon({ url: `${server.url}${path}`, headers, connections: 16, duration: 5 })).requests.average;
  const healthRps = await throughput('/health', {});
  const authedRps = await throughput('/api/whoami', auth);

  console.log(
    JSON.stringify(
      {
        bench: 'auth',
        sequential_requests_per_route: perRoute,
        health_ms: stats(health),
        authenticated_ms: stats(authed),
        auth_added_p50_ms: +(percentile(authed, 50) - percentile(health, 50)).toFixed(3),
        throughput_rps_16_connections: { health: Math.round(healthRps), authenticated: Math.round(authedRps) },
      },
      null,
      2,
    ),
  );
  agent.destroy();
} finally {
  await server.stop();
}
