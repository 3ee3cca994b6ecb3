import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectorConfig } from './connector-config.js';
import { createGuardedFetch } from './guarded-fetch.js';
import { StreamableHttpClientTransport } from './streamable-http.transport.js';

export interface UpstreamOptions {
  allowPrivateUpstreams: boolean;
  stdioAllowlist: ReadonlySet<string>;
  timeoutMs: number;
}

export interface ProbeResult {
  status: 'healthy' | 'unreachable';
  tools: Tool[];
  serverInfo: { name: string; version: string } | null;
  error: string | null;
  durationMs: number;
}

export class StdioCommandNotAllowed extends Error {}

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** In-flight requests per transport signal: one 'abort' listener per signal, however many requests run. */
const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();

function link(parent: AbortSignal): { signal: AbortSignal; release: () => void } {
  let running = inFlight.get(parent);
  if (!running) {
    const set = new Set<AbortController>();
    running = set;
    inFlight.set(parent, set);
    parent.addEventListener(
      'abort',
      () => {
        for (const c of set) c.abort(parent.reason);
        set.clear();
      },
      { once: true },
    );
  }
  const controller = new AbortController();
  running.add(controller);
  const set = running;
  return { signal: controller.signal, release: () => set.delete(controller) };
}

/**
 * The SDK's HTTP client transports pass one long-lived signal (aborted when
 * the transport closes) to every request. Node's fetch adds an 'abort'
 * listener to that signal per request and removes it only when the request
 * is garbage-collected, so on a pooled session the listeners pile up
 * (MaxListenersExceededWarning) and every new request scans them. Each
 * request gets its own signal instead, tied to the transport's for exactly
 * as long as the request and its body are in flight: closing the transport
 * still aborts whatever is running.
 */
export function withOwnAbortSignal(base: Fetch): Fetch {
  return async (url, init) => {
    const parent = init?.signal;
    if (!parent || parent.aborted) return base(url, init);
    const { signal, release } = link(parent);
    let res: Response;
    try {
      res = await base(url, { ...init, signal });
    } catch (err) {
      release();
      throw err;
    }
    if (!res.ok || !res.body) {
      release();
      return res;
    }
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(out) {
        try {
          const chunk = await reader.read();
          if (chunk.done) {
            release();
            out.close();
          } else {
            out.enqueue(chunk.value);
          }
        } catch (err) {
          release();
          out.error(err);
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** Builds the SDK transport for an MCP connector (the caller holds decrypted secrets). */
export function createTransport(c: Exclude<ConnectorConfig, { type: 'postgresql' }>, opts: UpstreamOptions): Transport {
  switch (c.type) {
    case 'mcp_http':
      return new StreamableHttpClientTransport(new URL(c.config.url), { headers: c.config.headers ?? {}, allowPrivateUpstreams: opts.allowPrivateUpstreams });
    case 'mcp_sse':
      return new SSEClientTransport(new URL(c.config.url), {
        fetch: withOwnAbortSignal(createGuardedFetch(opts.allowPrivateUpstreams)),
        requestInit: { headers: c.config.headers ?? {} },
      });
    case 'mcp_stdio':
      if (!opts.stdioAllowlist.has(c.config.command)) {
        throw new StdioCommandNotAllowed(`command "${c.config.command}" is not on the operator's STDIO_ALLOWLIST`);
      }
      // An argument vector, never a shell: nothing the tenant typed is interpreted.
      return new StdioClientTransport({
        command: c.config.command,
        args: c.config.args ?? [],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(c.config.env ?? {}) },
        stderr: 'ignore',
      });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** initialize + tools/list against a real upstream, bounded by a timeout; never throws. */
export async function probeMcpUpstream(c: Exclude<ConnectorConfig, { type: 'postgresql' }>, opts: UpstreamOptions): Promise<ProbeResult> {
  const started = Date.now();
  const client = new Client({ name: 'gatehouse-probe', version: '1.0.0' });
  try {
    const transport = createTransport(c, opts);
    await withTimeout(client.connect(transport), opts.timeoutMs, 'initialize');
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await withTimeout(client.listTools(cursor ? { cursor } : {}), opts.timeoutMs, 'tools/list');
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor && tools.length < 10_000);
    const info = client.getServerVersion();
    return {
      status: 'healthy',
      tools,
      serverInfo: info ? { name: info.name, version: info.version } : null,
      error: null,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    return { status: 'unreachable', tools: [], serverInfo: null, error: describe(err), durationMs: Date.now() - started };
  } finally {
    await client.close().catch(() => undefined);
  }
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${message}${cause}`.split('\n')[0].slice(0, 300);
}
