import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { createTransport, isStreamEnded, UpstreamHttpError, type ConnectorConfig } from '@gatehouse/connectors';
import { CircuitBreaker } from './circuit-breaker.js';

type McpConfig = Exclude<ConnectorConfig, { type: 'postgresql' }>;

export class UpstreamUnavailable extends Error {
  constructor(
    readonly code: 'circuit_open' | 'upstream_unreachable' | 'upstream_timeout' | 'upstream_rejected' | 'upstream_error' | 'upstream_busy' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a tools/call that threw ended. The SDK rejects with an McpError in
 * three cases of its own: its timeout (RequestTimeout, with the timeout in
 * `data`), the connection closing (ConnectionClosed, after which the client
 * has no transport), and this project's HTTP transport finding the answer's
 * stream ended (ConnectionClosed, `data` STREAM_ENDED). Any other McpError is
 * a JSON-RPC error the upstream sent, whatever its code (servers may use
 * -32000 and -32001 too); anything else is the transport failing.
 */
export function classify(err: unknown, signal: AbortSignal, transportGone: boolean): 'cancelled' | 'answered' | 'timeout' | 'transport' {
  if (signal.aborted) return 'cancelled';
  if (!(err instanceof McpError)) return 'transport';
  const code = err.code as ErrorCode;
  const data: unknown = err.data;
  if (code === ErrorCode.RequestTimeout && typeof data === 'object' && data !== null && 'timeout' in data) return 'timeout';
  if (code === ErrorCode.ConnectionClosed && (transportGone || isStreamEnded(data))) return 'transport';
  return 'answered';
}

/** A transport failure that was a timeout of its own (connecting, headers, body), for the audit's error code. */
function isTimeout(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'TimeoutError' || (typeof e.code === 'string' && /TIMEOUT/.test(e.code));
}

interface PooledClient {
  client: Client;
  lastUsed: number;
  /** Calls running on this session. */
  inFlight: number;
  /** Out of the pool: closed once its last call has ended. */
  retired: boolean;
  /**
   * Each request is a connection of its own (streamable HTTP): one failing
   * says nothing of the others in flight on the session. Over stdio or
   * legacy SSE, answers share one stream, and a failure is the session's.
   */
  requestScoped: boolean;
}

const IDLE_MS = 5 * 60_000;

/**
 * Warm MCP client sessions, one per connector configuration, shared by every
 * call to that connector in this process. A dead session is dropped and the
 * next call reconnects; a connector that keeps failing trips its breaker.
 */
@Injectable()
export class UpstreamPool implements OnApplicationShutdown {
  private readonly logger = new Logger(UpstreamPool.name);
  private readonly clients = new Map<string, Promise<PooledClient>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly env: Env,
    private readonly breaker: CircuitBreaker,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async callTool(
    connectorId: string,
    configKey: string,
    config: () => Promise<McpConfig>,
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<CallToolResult> {
    const admitted = this.breaker.allow(connectorId);
    if (!admitted) throw new UpstreamUnavailable('circuit_open', 'upstream is failing; calls are paused for a short while');
    const key = `${connectorId}:${configKey}`;
    for (let attempt = 1; ; attempt++) {
      let pooled: PooledClient;
      const entry = this.connect(key, config);
      try {
        pooled = await entry;
      } catch (err) {
        this.breaker.failure(connectorId);
        throw new UpstreamUnavailable('upstream_unreachable', `upstream unreachable: ${(err as Error).message}`);
      }
      // Retired (and maybe closed) by another call while this one waited for it: the pool's current session instead.
      if (pooled.retired && attempt < 3) continue;
      pooled.lastUsed = Date.now();
      pooled.inFlight++;
      try {
        // The SDK sends notifications/cancelled upstream when the signal aborts or the timeout fires.
        const result = (await pooled.client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: timeoutMs })) as CallToolResult;
        this.breaker.success(connectorId);
        return result;
      } catch (err) {
        const message = (err as Error).message.split('\n')[0].slice(0, 200);
        const failure = classify(err, signal, pooled.client.transport === undefined);
        if (failure === 'cancelled') {
          // Says nothing about the upstream; the session stays (the SDK told the upstream to stop). A cancelled trial
          // lets the next one out.
          if (admitted === 'trial') this.breaker.release(connectorId);
          throw new UpstreamUnavailable('cancelled', 'call cancelled');
        }
        if (failure === 'answered') {
          // The upstream is alive and refused this call (unknown tool, invalid arguments…): one agent's bad calls
          // neither end the session other calls share nor trip the connector's breaker for the whole org.
          this.breaker.success(connectorId);
          throw new UpstreamUnavailable('upstream_rejected', `upstream refused the call: ${message}`);
        }
        if (failure === 'timeout') {
          // The SDK has sent notifications/cancelled; the session is kept for the calls in flight on it (for stdio, the
          // process) unless the upstream keeps timing out, in which case the trial after the cool-down starts afresh.
          if (this.breaker.failure(connectorId)) await this.drop(key, entry);
          throw new UpstreamUnavailable('upstream_timeout', `upstream did not answer within ${timeoutMs} ms`);
        }
        // The upstream forgot the session (it restarted, or expired it) and processed nothing: a new session, once.
        // The old one leaves the pool but is closed only after its last call: the others on it meet the same refusal
        // and start afresh too, rather than being cut off by this call's close.
        if (attempt === 1 && err instanceof UpstreamHttpError && err.sessionLost) {
          this.retire(key, entry, pooled);
          this.logger.debug(`upstream session of ${connectorId} lost (HTTP ${err.status}); starting a new one`);
          continue;
        }
        // A failed transport poisons the session: this one, not another call's fresh one. Where only this request
        // failed, the calls in flight on the session go on: it leaves the pool and is closed after them.
        if (pooled.requestScoped) this.retire(key, entry, pooled);
        else await this.drop(key, entry);
        this.breaker.failure(connectorId);
        if (isTimeout(err)) throw new UpstreamUnavailable('upstream_timeout', `upstream did not answer in time: ${message}`);
        throw new UpstreamUnavailable('upstream_error', `upstream failed: ${message}`);
      } finally {
        if (--pooled.inFlight === 0 && pooled.retired) void pooled.client.close().catch(() => undefined);
      }
    }
  }

  private connect(key: string, config: () => Promise<McpConfig>): Promise<PooledClient> {
    let entry = this.clients.get(key);
    if (!entry) {
      entry = (async () => {
        const client = new Client({ name: 'gatehouse', version: '1.0.0' });
        const opened = await config();
        const transport = createTransport(opened, {
          allowPrivateUpstreams: this.env.ALLOW_PRIVATE_UPSTREAMS,
          stdioAllowlist: new Set(this.env.STDIO_ALLOWLIST),
          timeoutMs: this.env.PROBE_TIMEOUT_MS,
        });
        client.onclose = () => {
          if (this.clients.get(key) === entry) this.clients.delete(key);
        };
        await client.connect(transport, { timeout: this.env.PROBE_TIMEOUT_MS });
        return { client, lastUsed: Date.now(), inFlight: 0, retired: false, requestScoped: opened.type === 'mcp_http' };
      })();
      this.clients.set(key, entry);
      entry.catch(() => {
        if (this.clients.get(key) === entry) this.clients.delete(key);
      });
    }
    return entry;
  }

  /** Takes a session out of the pool (if still there); it is closed when its last call ends. */
  private retire(key: string, entry: Promise<PooledClient>, pooled: PooledClient): void {
    if (this.clients.get(key) === entry) this.clients.delete(key);
    pooled.retired = true;
  }

  /**
   * Closes a session and forgets it, unless another call has already put a new
   * one in its place (calls that met the same failure together each drop the
   * session they used, never the one the first of them opened since).
   */
  private async drop(key: string, entry: Promise<PooledClient>): Promise<void> {
    if (this.clients.get(key) === entry) this.clients.delete(key);
    await entry.then((p) => p.client.close()).catch(() => undefined);
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [key, entry] of this.clients) {
      const pooled = await entry.catch(() => null);
      if (pooled && now - pooled.lastUsed > IDLE_MS) await this.drop(key, entry);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.clients].map(([k, entry]) => this.drop(k, entry)));
    this.logger.debug('upstream sessions closed');
  }
}
