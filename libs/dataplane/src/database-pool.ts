import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { PostgresBusy, PostgresCallCancelled, PostgresDatabase, PostgresToolError, PostgresUnavailable, postgresLimits, runPostgresTool, type PostgresConnectorConfig, type QueryResult } from '@gatehouse/connectors';
import { CircuitBreaker } from './circuit-breaker.js';
import { UpstreamUnavailable } from './upstream-pool.js';

const IDLE_MS = 5 * 60_000;

/**
 * How a call to a database ended, when it threw: the code the agent and the
 * audit see, and what it tells the connector's breaker. What an agent's own
 * SQL can cause never counts, lest one agent pause the connector for every
 * other: the server refusing a statement (syntax, permissions, a write, a
 * temp_file_limit) or timing it out says the database is alive; bad
 * arguments, refused before the database was asked, say nothing; a
 * connection lost midway (08, 57P, or no answer at all) says nothing, since
 * an agent can end its own session or another's (pg_terminate_backend).
 * The database failing counts: no connection (refused, unreachable, not in
 * time, a database or role that does not exist, too many connections), a
 * server gone silent past the statement timeout, and the server's own
 * trouble (53100 disk full, 53200 out of memory, 58 system errors, XX
 * internal errors).
 */
export function classifyDatabaseError(err: unknown): { code: DatabaseErrorCode; breaker: 'failure' | 'alive' | 'unknown' } {
  // Refused before the database was asked: nothing about it.
  if (err instanceof PostgresToolError) return { code: 'upstream_rejected', breaker: 'unknown' };
  // This replica's own limit on the connector's calls: nothing about the database.
  if (err instanceof PostgresBusy) return { code: 'upstream_busy', breaker: 'unknown' };
  if (err instanceof PostgresUnavailable) {
    return { code: /timeout|timed out/i.test(err.message) ? 'upstream_timeout' : 'upstream_unreachable', breaker: 'failure' };
  }
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? '';
    if (code === '57014') return { code: 'upstream_timeout', breaker: 'alive' };
    if (/^(5310|5320|58|XX)/.test(code)) return { code: 'upstream_error', breaker: 'failure' };
    if (/^(08|57P)/.test(code)) return { code: 'upstream_error', breaker: 'unknown' };
    return { code: 'upstream_rejected', breaker: 'alive' };
  }
  if (err instanceof Error && err.message === 'Query read timeout') return { code: 'upstream_timeout', breaker: 'failure' };
  return { code: 'upstream_error', breaker: 'unknown' };
}

type DatabaseErrorCode = 'upstream_rejected' | 'upstream_timeout' | 'upstream_unreachable' | 'upstream_error' | 'upstream_busy';

const SAYS: Record<DatabaseErrorCode, string> = {
  upstream_rejected: 'the database refused the call',
  upstream_timeout: 'the database did not answer in time',
  upstream_unreachable: 'database unreachable',
  upstream_error: 'the database failed',
  upstream_busy: 'too many calls to this database at once; retry shortly',
};

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
      const rows = await runPostgresTool(db, tool, args, signal);
      this.breaker.success(connectorId);
      return rows;
    } catch (err) {
      if (err instanceof PostgresCallCancelled || signal.aborted) {
        if (admitted === 'trial') this.breaker.release(connectorId);
        throw new UpstreamUnavailable('cancelled', 'call cancelled');
      }
      const message = (err as Error).message.split('\n')[0].slice(0, 200);
      const { code, breaker } = classifyDatabaseError(err);
      if (breaker === 'failure') this.breaker.failure(connectorId);
      else if (breaker === 'alive') this.breaker.success(connectorId);
      else if (admitted === 'trial') this.breaker.release(connectorId);
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
    const entry = { configKey, db: config().then((c) => new PostgresDatabase(c, postgresLimits(this.env))), lastUsed: Date.now() };
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
