import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '@gatehouse/common';
import { bearer, type TestOrg } from './factories.js';
import type { TestApp } from './test-app.js';

const require = createRequire(import.meta.url);
export const EVERYTHING_SERVER = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningUpstream {
  url: string;
  stop(): Promise<void>;
}

/** The real @modelcontextprotocol/server-everything over HTTP (streamable or legacy SSE) on a free port, or on `onPort` (to restart one). */
export async function startEverythingHttp(transport: 'streamableHttp' | 'sse', onPort?: number): Promise<RunningUpstream> {
  const port = onPort ?? (await freePort());
  const child = spawn(process.execPath, [EVERYTHING_SERVER, transport], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server-everything did not start')), 15_000);
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(String(port))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server-everything exited with ${code}`)));
  });
  child.stderr.resume();
  return {
    url: `http://127.0.0.1:${port}/${transport === 'sse' ? 'sse' : 'mcp'}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface StdioGateway {
  /** Where the fixture appends every tools/call it receives, one JSON line each. */
  callLog: string;
  /** The lines of the call log so far. */
  calls(): string[];
}

/**
 * The real stdio MCP server of test/fixtures/mutable-mcp-server.mjs, serving
 * `tools`, as the org's connector `connector` behind its gateway `main`.
 * The app must allow `process.execPath` in STDIO_ALLOWLIST.
 */
export async function createStdioGateway(t: TestApp, org: TestOrg, connector: string, tools: object[]): Promise<StdioGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-stdio-'));
  const toolsFile = join(dir, 'tools.json');
  const callLog = join(dir, 'calls.ndjson');
  writeFileSync(toolsFile, JSON.stringify(tools));
  const fixture = join(findRepoRoot(), 'test/fixtures/mutable-mcp-server.mjs');
  await t.http
    .post('/api/connectors')
    .set(bearer(org.ownerKey))
    .send({ name: connector, type: 'mcp_stdio', config: { command: process.execPath, args: [fixture, toolsFile, callLog] } })
    .expect(201);
  await t.http.post('/api/gateways').set(bearer(org.ownerKey)).send({ saved_name: 'main', servers_config: { servers: [{ saved_name: connector, server_version: 'v1' }] } }).expect(201);
  return { callLog, calls: () => (existsSync(callLog) ? readFileSync(callLog, 'utf8').trim().split('\n').filter(Boolean) : []) };
}
