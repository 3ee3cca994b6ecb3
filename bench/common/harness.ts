import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { findRepoRoot } from '@gatehouse/common';
import { applyMigrations } from '../../libs/db/src/migrations/migration-runner.js';

export interface BenchServer {
  url: string;
  adminKey: string;
  /** The api's environment, so that a replica can join the same database, Redis and keys. */
  env: NodeJS.ProcessEnv;
  /** CPU time (user + system) the api process has used so far; 0 where /proc is unavailable. */
  apiCpuSeconds(): number;
  stop(): Promise<void>;
}

/** CPU time (user + system) a process has used so far, from /proc; 0 where that is unavailable. */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Runs the built api as its own process (one core for it, one for the load
 * generator) against a fresh, migrated database that is dropped afterwards.
 */
export async function startBenchServer(extraEnv: Record<string, string> = {}): Promise<BenchServer> {
  const root = findRepoRoot();
  const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const dbName = `gh_bench_${Date.now().toString(36)}`;
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${dbName}`;
  await applyMigrations({
    databaseUrl: dbUrl.toString(),
    migrationsDir: join(root, 'prisma/migrations'),
    schemaPath: join(root, 'prisma/schema.prisma'),
  });
  const port = 18080 + Math.floor(Math.random() * 1000);
  const adminKey = randomBytes(32).toString('hex');
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl.toString(),
    REDIS_KEY_PREFIX: `ghbench:${dbName}:`,
    ADMIN_API_KEY: adminKey,
    JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    TOKEN_RATE_LIMIT_PER_CLIENT: '10000000',
    TOKEN_RATE_LIMIT_PER_IP: '10000000',
    ...extraEnv,
  };
  const { url, child } = await spawnApi(env);
  return {
    url,
    adminKey,
    env,
    apiCpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      // Opt-in: the api's own CPU time, a figure that noise from other processes on the machine barely moves.
      if (process.env.BENCH_REPORT_CPU) console.error(`api cpu: ${processCpuSeconds(child.pid).toFixed(2)} s`);
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      const admin = new URL(base);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The built api as a child process, once it answers /ready. */
async function spawnApi(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  // Opt-in profiling of the api process, e.g. BENCH_NODE_ARGS="--prof" (Nest re-raises SIGTERM, so --cpu-prof never writes).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, join(findRepoRoot(), 'dist/apps/api/src/main.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 100; i++) {
    if (exited) throw new Error('the api exited before it was ready (see its output above)');
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return { url, child };
}

/** A second api process on the same database, Redis and keys as `server`; stopping it leaves the database alone. */
export async function startBenchReplica(server: BenchServer, extraEnv: Record<string, string> = {}): Promise<BenchServer> {
  const port = Number(server.env.PORT) + 1 + Math.floor(Math.random() * 100);
  const env = { ...server.env, ...extraEnv, PORT: String(port) };
  const { url, child } = await spawnApi(env);
  return {
    url,
    adminKey: server.adminKey,
    env,
    apiCpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export async function createBenchOrg(server: BenchServer): Promise<string> {
  const res = await fetch(`${server.url}/api/admin/orgs`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ slug: `bench-${randomBytes(4).toString('hex')}`, name: 'bench' }),
  });
  if (!res.ok) throw new Error(`create org: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { owner_api_key: { secret: string } }).owner_api_key.secret;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
