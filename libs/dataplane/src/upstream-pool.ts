import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { createTransport, UpstreamHttpError, type ConnectorConfig } from '@gatehouse/connectors';
import { CircuitBreaker } from './circuit-breaker.js';

type McpConfig = Exclude<ConnectorConfig, { type: 'postgresql' }>;

export class UpstreamUnavailable extends Error {
  constructor(
    readonly code: 'circuit_open' | 'upstream_unreachable' | 'upstream_timeout' | 'upstream_rejected' | 'upstream_error',
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a tools/call that threw ended. The SDK rejects with an McpError carrying
 * the upstream's own code when the upstream answered with a JSON-RPC error,
 * and with ConnectionClosed or RequestTimeout when it did not answer; anything
 * else is the transport failing.
 */
export function classify(err: unknown, signal: AbortSignal): 'cancelled' | 'answered' | 'timeout' | 'transport' {
  if (signal.aborted) return 'cancelled';
  if (err instanceof McpError) {
    const code = err.code as ErrorCode;
    if (code === ErrorCode.RequestTimeout) return 'timeout';
    if (code !== ErrorCode.ConnectionClosed) return 'answered';
    return 'transport';
  }
  return /timed? ?out/i.test((err as Error).message) ? 'timeout' : 'transport';
}

interface PooledClient {
  client: Client;
  lastUsed: number;
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
  private readonly breaker = new CircuitBreaker();
  private readonly sweeper: NodeJS.Timeout;

  constructor(@Inject(APP_CONFIG) private readonly env: Env) {
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
    if (!this.breaker.allow(connectorId)) {
      throw new UpstreamUnavailable('circuit_open', 'upstream is failing; calls are paused for a short while');
    }
    const key = `${connectorId}:${configKey}`;
    for (let attempt = 1; ; attempt++) {
      let pooled: PooledClient;
      try {
        pooled = await this.connect(key, config);
      } catch (err) {
        this.breaker.failure(connectorId);
        throw new UpstreamUnavailable('upstream_unreachable', `upstream unreachable: ${(err as Error).message}`);
      }
      pooled.lastUsed = Date.now();
      try {
        // The SDK sends notifications/cancelled upstream when the signal aborts or the timeout fires.
        const result = (await pooled.client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: timeoutMs })) as CallToolResult;
        this.breaker.success(connectorId);
        return result;
      } catch (err) {
        const message = (err as Error).message.split('\n')[0].slice(0, 200);
        const failure = classify(err, signal);
        if (failure === 'cancelled') {
          // Says nothing about the upstream; the session stays (the SDK told the upstream to stop).
          this.breaker.release(connectorId);
          throw new UpstreamUnavailable('upstream_error', 'call cancelled');
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
          if (this.breaker.failure(connectorId)) await this.drop(key);
          throw new UpstreamUnavailable('upstream_timeout', `upstream did not answer within ${timeoutMs} ms`);
        }
        // A failed transport poisons the session.
        await this.drop(key);
        // The upstream forgot the session (it restarted, or expired it) and processed nothing: a new session, once.
        if (attempt === 1 && err instanceof UpstreamHttpError && err.sessionLost) {
          this.logger.debug(`upstream session of ${connectorId} lost (HTTP ${err.status}); starting a new one`);
          continue;
        }
        this.breaker.failure(connectorId);
        throw new UpstreamUnavailable('upstream_error', `upstream failed: ${message}`);
      }
    }
  }

  /** Calls to this connector are paused on this replica (its breaker is open). */
  paused(connectorId: string): boolean {
    return this.breaker.isOpen(connectorId);
  }

  private connect(key: string, config: () => Promise<McpConfig>): Promise<PooledClient> {
    let entry = this.clients.get(key);
    if (!entry) {
      entry = (async () => {
        const client = new Client({ name: 'gatehouse', version: '1.0.0' });
        const transport = createTransport(await config(), {
          allowPrivateUpstreams: this.env.ALLOW_PRIVATE_UPSTREAMS,
          stdioAllowlist: new Set(this.env.STDIO_ALLOWLIST),
          timeoutMs: this.env.PROBE_TIMEOUT_MS,
        });
        client.onclose = () => {
          if (this.clients.get(key) === entry) this.clients.delete(key);
        };
        await client.connect(transport, { timeout: this.env.PROBE_TIMEOUT_MS });
        return { client, lastUsed: Date.now() };
      })();
      this.clients.set(key, entry);
      entry.catch(() => {
        if (this.clients.get(key) === entry) this.clients.delete(key);
      });
    }
    return entry;
  }

  private async drop(key: string): Promise<void> {
    const entry = this.clients.get(key);
    this.clients.delete(key);
    await entry?.then((p) => p.client.close()).catch(() => undefined);
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [key, entry] of this.clients) {
      const pooled = await entry.catch(() => null);
      if (pooled && now - pooled.lastUsed > IDLE_MS) await this.drop(key);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.clients.keys()].map((k) => this.drop(k)));
    this.logger.debug('upstream sessions closed');
  }
}
