import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { createBenchOrg, percentile, startBenchServer } from '../common/harness.js';

/**
 * What authentication costs: the same server, in one run, answering an
 * authenticated GET (/api/whoami: passport strategy, key hash, cached lookup,
 * scope guard; no database) with an API key and with an OAuth access token,
 * and the unauthenticated GET /health. Requests alternate one at a time over
 * keep-alive so all see the same conditions; the difference of the medians
 * is the cost of authentication.
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
  const created = await fetch(`${server.url}/api/oauth-clients`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['mcp:call'] }),
  });
  const client = (await created.json()) as { client_id: string; client_secret: string };
  const issued = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString(),
  });
  const bearer = { Authorization: `Bearer ${((await issued.json()) as { access_token: string }).access_token}` };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 2000; i++) {
    await timed(agent, '/health', {});
    await timed(agent, '/api/whoami', auth);
    await timed(agent, '/api/whoami', bearer);
  }
  const health: number[] = [];
  const authed: number[] = [];
  const tokened: number[] = [];
  for (let i = 0; i < perRoute; i++) {
    health.push(await timed(agent, '/health', {}));
    authed.push(await timed(agent, '/api/whoami', auth));
    tokened.push(await timed(agent, '/api/whoami', bearer));
  }
  for (const xs of [health, authed, tokened]) xs.sort((a, b) => a - b);
  const stats = (xs: number[]) => ({ p50: +percentile(xs, 50).toFixed(3), p90: +percentile(xs, 90).toFixed(3), p99: +percentile(xs, 99).toFixed(3) });

  const throughput = async (path: string, headers: Record<string, string>) =>
    (await autocannon({ url: `${server.url}${path}`, headers, connections: 16, duration: 5 })).requests.average;
  const healthRps = await throughput('/health', {});
  const authedRps = await throughput('/api/whoami', auth);
  const tokenedRps = await throughput('/api/whoami', bearer);

  console.log(
    JSON.stringify(
      {
        bench: 'auth',
        sequential_requests_per_route: perRoute,
        health_ms: stats(health),
        authenticated_ms: stats(authed),
        auth_added_p50_ms: +(percentile(authed, 50) - percentile(health, 50)).toFixed(3),
        access_token_ms: stats(tokened),
        access_token_added_p50_ms: +(percentile(tokened, 50) - percentile(health, 50)).toFixed(3),
        throughput_rps_16_connections: { health: Math.round(healthRps), authenticated: Math.round(authedRps), access_token: Math.round(tokenedRps) },
      },
      null,
      2,
    ),
  );
  agent.destroy();
} finally {
  await server.stop();
}
