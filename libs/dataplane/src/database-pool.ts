import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { PostgresCallCancelled, PostgresDatabase, PostgresToolError, type PostgresConnectorConfig, type QueryResult } from '@gatehouse/connectors';
import { CircuitBreaker } from './circuit-breaker.js';
import { UpstreamUnavailable } from './upstream-pool.js';

/** What an agent's statement may take on the server. */
const STATEMENT_TIMEOUT_MS = 5_000;
const ROW_CAP = 1_000;
const IDLE_MS = 5 * 60_000;

/**
 * How a call to a database ended, when it threw: the code the agent and the
 * audit see, and whether it counts against the connector's breaker. What an
 * agent's own SQL causes never does (a syntax error, a write refused by the
 * read-only transaction, a statement timeout, a temp_file_limit), lest one
 * agent pause the connector for every other. The database itself failing
 * does: no connection (refused, unreachable, not in time, a database or
 * role that does not exist), and a connection lost or shut down midway
 * (08, 57P, or no answer at all).
 */
export function classifyDatabaseError(err: unknown): { code: 'upstream_rejected' | 'upstream_timeout' | 'upstream_unreachable'; counts: boolean } {
  if (err instanceof PostgresToolError) return { code: 'upstream_rejected', counts: false };
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? '';
    if (code === '57014') return { code: 'upstream_timeout', counts: false };
    if (/^(08|57P)/.test(code)) return { code: 'upstream_unreachable', counts: true };
    return { code: 'upstream_rejected', counts: false };
  }
  const message = err instanceof Error ? err.message : '';
  return { code: /timeout|timed out/i.test(message) ? 'upstream_timeout' : 'upstream_unreachable', counts: true };
}

const SAYS = {
  upstream_rejected: 'the database refused the call',
  upstream_timeout: 'the database did not answer in time',
  upstream_unreachable: 'database unreachable',
} as const;

/**
 * The built-in PostgreSQL connectors' databases on this replica, one per
 * connector configuration (a new configuration replaces its connector's),
 * each with its spare sessions, closed after a few idle minutes. Calls go
 * through the connector's breaker, which they share with MCP upstreams.
 */
@Injectable()
export class DatabasePool implements OnApplicationShutdown {
  private readonly databases = new Map<string, { configKey: string; db: Promise<PostgresDatabase>; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly env: Env,
    private readonly breaker: CircuitBreaker,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async run(
    connectorId: string,
    configKey: string,
    config: () => Promise<PostgresConnectorConfig>,
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<QueryResult> {
    const admitted = this.breaker.allow(connectorId);
    if (!admitted) throw new UpstreamUnavailable('circuit_open', 'upstream is failing; calls are paused for a short while');
    const db = await this.database(connectorId, configKey, config).catch((err: unknown) => {
      // The configuration could not be read (Gatehouse's own database): nothing about the connector's.
      if (admitted === 'trial') this.breaker.release(connectorId);
      throw err;
    });
    try {
      const rows = await db.run(tool, args, signal);
      this.breaker.success(connectorId);
      return rows;
    } catch (err) {
      if (err instanceof PostgresCallCancelled || signal.aborted) {
        if (admitted === 'trial') this.breaker.release(connectorId);
        throw new UpstreamUnavailable('cancelled', 'call cancelled');
      }
      const message = (err as Error).message.split('\n')[0].slice(0, 200);
      const { code, counts } = classifyDatabaseError(err);
      if (counts) this.breaker.failure(connectorId);
      else this.breaker.success(connectorId);
      throw new UpstreamUnavailable(code, `${SAYS[code]}: ${message}`);
    }
  }

  private database(connectorId: string, configKey: string, config: () => Promise<PostgresConnectorConfig>): Promise<PostgresDatabase> {
    const current = this.databases.get(connectorId);
    if (current?.configKey === configKey) {
      current.lastUsed = Date.now();
      return current.db;
    }
    // A new configuration (or none yet): the old one's spare sessions are closed; its calls end as usual.
    if (current) void this.close(connectorId, current);
    const limits = {
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
      rowCap: ROW_CAP,
      connectTimeoutMs: this.env.PROBE_TIMEOUT_MS,
      allowPrivate: this.env.ALLOW_PRIVATE_UPSTREAMS,
    };
    const entry = { configKey, db: config().then((c) => new PostgresDatabase(c, limits)), lastUsed: Date.now() };
    this.databases.set(connectorId, entry);
    entry.db.catch(() => {
      if (this.databases.get(connectorId) === entry) this.databases.delete(connectorId);
    });
    return entry.db;
  }

  private close(connectorId: string, entry: { db: Promise<PostgresDatabase> }): Promise<void> {
    if (this.databases.get(connectorId) === entry) this.databases.delete(connectorId);
    return entry.db.then((db) => db.end()).catch(() => undefined);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [connectorId, entry] of this.databases) if (now - entry.lastUsed > IDLE_MS) void this.close(connectorId, entry);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.databases].map(([connectorId, entry]) => this.close(connectorId, entry)));
  }
}
