import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { TestApp } from './test-app.js';

export function baseUrl(t: TestApp): string {
  const address = t.app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/** The SDK's real MCP client, connected to the gateway's endpoint of an org (with a sessionId it resumes instead of initializing); `t` is a test app or the base URL of an api process. */
export async function connectMcp(
  t: TestApp | string,
  orgSlug: string,
  credential: string,
  opts: { sessionId?: string; headers?: Record<string, string> } = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${typeof t === 'string' ? t : baseUrl(t)}/mcp/${orgSlug}`), {
    requestInit: { headers: { Authorization: `Bearer ${credential}`, ...(opts.headers ?? {}) } },
    sessionId: opts.sessionId,
  });
  const client = new Client({ name: 'gatehouse-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}
