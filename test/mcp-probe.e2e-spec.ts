import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { probeMcpUpstream } from '@gatehouse/connectors';

const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const opts = { allowPrivateUpstreams: false, stdioAllowlist: new Set([process.execPath]), timeoutMs: 10_000 };

describe('probeMcpUpstream (real server-everything over stdio)', () => {
  it('lists the tools of a real MCP server', async () => {
    const result = await probeMcpUpstream({ type: 'mcp_stdio', config: { command: process.execPath, args: [everything, 'stdio'] } }, opts);
    expect(result.error).toBeNull();
    expect(result.status).toBe('healthy');
    expect(result.tools.map((t) => t.name)).toContain('echo');
  }, 30_000);

  it('refuses a command outside the allowlist without running it', async () => {
    const result = await probeMcpUpstream({ type: 'mcp_stdio', config: { command: '/bin/sh', args: ['-c', 'touch /tmp/pwned'] } }, opts);
    expect(result).toMatchObject({ status: 'unreachable', error: expect.stringContaining('STDIO_ALLOWLIST') });
  });

  it('refuses a loopback URL unless private upstreams are allowed', async () => {
    const result = await probeMcpUpstream({ type: 'mcp_http', config: { url: 'http://2130706433:9/mcp' } }, opts);
    expect(result).toMatchObject({ status: 'unreachable', error: expect.stringContaining('private') });
  });

  it('reports an unreachable upstream with the reason', async () => {
    const result = await probeMcpUpstream({ type: 'mcp_http', config: { url: 'http://127.0.0.1:9/mcp' } }, { ...opts, allowPrivateUpstreams: true });
    expect(result.status).toBe('unreachable');
    expect(result.error).toEqual(expect.any(String));
  });
});
