import { isIP, Socket, type TcpSocketConnectOpts } from 'node:net';
import pg from 'pg';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { PostgresConnectorConfig } from './connector-config.js';
import { checkedLookup, UpstreamRefused } from './guarded-fetch.js';
import { isForbiddenAddress } from './upstream-address.js';

export interface PostgresLimits {
  statementTimeoutMs: number;
  rowCap: number;
  connectTimeoutMs: number;
  allowPrivate: boolean;
}

export const POSTGRES_TOOLS: Tool[] = [
  {
    name: 'list_tables',
    description: 'List the tables and views visible to the connector, with their schema.',
    inputSchema: { type: 'object', properties: { schema: { type: 'string', description: 'Only this schema' } } },
  },
  {
    name: 'describe_table',
    description: 'Columns of a table: name, type, nullability and default.',
    inputSchema: {
      type: 'object',
      properties: { table: { type: 'string' }, schema: { type: 'string', default: 'public' } },
      required: ['table'],
    },
  },
  {
    name: 'query',
    description: 'Run one read-only SQL query (SELECT/VALUES); rows are capped and time-limited.',
    inputSchema: { type: 'object', properties: { sql: { type: 'string' } }, required: ['sql'] },
  },
];

export class PostgresToolError extends Error {}

/** The call was cancelled by its agent; so was its statement on the server. */
export class PostgresCallCancelled extends Error {
  constructor() {
    super('call cancelled');
  }
}

/** No connection to the database could be had (refused, unreachable, timed out, or the server turned it away). */
export class PostgresUnavailable extends Error {}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

/** Connections kept to one connector's database on one replica, and how long one may sit idle. */
const MAX_CONNECTIONS = 4;
const IDLE_CONNECTION_MS = 60_000;
/** Past the server's statement timeout, the client gives up too: the server, or the network to it, went silent. */
const CLIENT_TIMEOUT_GRACE_MS = 2_000;

/**
 * A TCP socket for pg that reaches public addresses only. The check runs on
 * the addresses the socket is about to use (as for HTTP upstreams, see
 * checkedLookup), so a name that resolves to a private address at connect
 * time is refused; an IP literal is checked as given; a Unix socket is local.
 */
function publicOnlySocket(): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket) as (options: TcpSocketConnectOpts) => Socket;
  const refuse = (why: string): Socket => {
    process.nextTick(() => socket.destroy(new UpstreamRefused(why)));
    return socket;
  };
  // pg calls connect(port, host) for TCP and connect(path) for a Unix socket.
  const checked = (port: unknown, host: unknown): Socket => {
    if (typeof port !== 'number' || typeof host !== 'string') return refuse('database over a local socket: a private address');
    if (isIP(host) && isForbiddenAddress(host)) return refuse(`database host ${host} is a private, loopback or link-local address`);
    return connect({ port, host, lookup: checkedLookup() });
  };
  return Object.assign(socket, { connect: checked });
}

function clientConfig(config: PostgresConnectorConfig, limits: PostgresLimits): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password,
    ssl: config.ssl ? { rejectUnauthorized: true } : undefined,
    connectionTimeoutMillis: limits.connectTimeoutMs,
    statement_timeout: limits.statementTimeoutMs,
    query_timeout: limits.statementTimeoutMs + CLIENT_TIMEOUT_GRACE_MS,
    application_name: 'gatehouse-connector',
    stream: limits.allowPrivate ? undefined : publicOnlySocket,
  };
}

/** The session's server process, which pg learns when it connects (not in pg's typings). */
function backendPid(client: pg.ClientBase): number | null {
  const pid = (client as { processID?: unknown }).processID;
  return typeof pid === 'number' ? pid : null;
}

/**
 * One connector's database as the data plane uses it: a few warm
 * connections, reused between calls. Every call runs in its own READ ONLY
 * transaction with a statement timeout, through a cursor that fetches at
 * most rowCap + 1 rows, and is rolled back; the session is then reset
 * (DISCARD ALL: settings, advisory locks, listeners), so nothing one call
 * did outlives it. A call its agent cancels has its statement cancelled on
 * the server, and its connection is closed; so is one that failed with
 * anything but an answer from the server.
 */
export class PostgresDatabase {
  private readonly pool: pg.Pool;

  constructor(
    private readonly config: PostgresConnectorConfig,
    private readonly limits: PostgresLimits,
    maxConnections = MAX_CONNECTIONS,
  ) {
    this.pool = new pg.Pool({ ...clientConfig(config, limits), max: maxConnections, idleTimeoutMillis: IDLE_CONNECTION_MS });
    // An idle connection the server closed: the pool forgets it, and the next call opens another.
    this.pool.on('error', () => undefined);
  }

  /**
   * Runs a built-in tool. Throws PostgresToolError for bad arguments,
   * PostgresUnavailable when no connection could be had, PostgresCallCancelled
   * when the signal aborted it, pg.DatabaseError for the server's refusal of
   * the statement, and any other error when the connection failed midway.
   */
  run(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<QueryResult> {
    const sql = toolSql(tool, args);
    return this.readOnly((c) => capped(c, sql.text, sql.values, this.limits.rowCap), signal);
  }

  /** A round trip along the path a call takes. */
  async ping(): Promise<void> {
    await this.readOnly((c) => c.query('SELECT 1'));
  }

  /** Closes idle connections now, and the others as their calls end. */
  end(): Promise<void> {
    return this.pool.end();
  }

  private async readOnly<T>(work: (c: pg.PoolClient) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new PostgresCallCancelled();
    const client = await this.pool.connect().catch((err: unknown) => {
      throw new PostgresUnavailable((err as Error).message);
    });
    // Set by the abort listener (an object, so the compiler does not narrow it to its initial null).
    const cancel: { landed: Promise<void> | null } = { landed: null };
    const onAbort = () => {
      cancel.landed = this.cancel(client);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let answered = true;
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      return await work(client);
    } catch (err) {
      answered = err instanceof pg.DatabaseError;
      throw signal?.aborted ? new PostgresCallCancelled() : err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (cancel.landed) {
        // The cancel names the session's server process: the session is not reused (it could cancel another
        // call's statement), and is closed once the cancel has landed.
        await cancel.landed;
        client.release(true);
      } else if (!answered) client.release(true);
      else await reset(client);
    }
  }

  /** Cancels the statement running on a session, over a connection of its own (the pool may be full). */
  private async cancel(session: pg.ClientBase): Promise<void> {
    const pid = backendPid(session);
    if (pid === null) return;
    const canceller = new pg.Client(clientConfig(this.config, this.limits));
    canceller.on('error', () => undefined);
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // The session is closed anyway, and the statement timeout bounds what is left of the statement.
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }
}

/** Back to the pool as a fresh session, or closed if it cannot be reset. */
async function reset(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
    await client.query('DISCARD ALL');
    client.release();
  } catch (err) {
    client.release(err as Error);
  }
}

async function capped(client: pg.ClientBase, sql: string, values: unknown[], rowCap: number): Promise<QueryResult> {
  await client.query({ text: `DECLARE gatehouse_cursor NO SCROLL CURSOR FOR ${sql}`, values });
  const res = await client.query({ text: `FETCH FORWARD ${rowCap + 1} FROM gatehouse_cursor`, values: [] });
  const rows = res.rows as Record<string, unknown>[];
  return { columns: res.fields.map((f) => f.name), rows: rows.slice(0, rowCap), truncated: rows.length > rowCap };
}

function stringArg(args: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const v = args[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !v.trim()) throw new PostgresToolError(`argument "${name}" must be a non-empty string`);
  return v;
}

/**
 * The statement a built-in tool runs, inside the read-only cursor. The
 * extended protocol refuses a second statement smuggled after a `;`.
 */
function toolSql(tool: string, args: Record<string, unknown>): { text: string; values: unknown[] } {
  switch (tool) {
    case 'list_tables':
      return {
        text: `SELECT table_schema AS schema, table_name AS name, table_type AS type FROM information_schema.tables
           WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND ($1::text IS NULL OR table_schema = $1)
           ORDER BY 1, 2`,
        values: [stringArg(args, 'schema', false) ?? null],
      };
    case 'describe_table': {
      const table = stringArg(args, 'table', true);
      return {
        text: `SELECT column_name AS name, data_type AS type, is_nullable = 'YES' AS nullable, column_default AS "default"
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        values: [stringArg(args, 'schema', false) ?? 'public', table],
      };
    }
    case 'query':
      return { text: stringArg(args, 'sql', true)!.trim().replace(/;\s*$/, ''), values: [] };
    default:
      throw new PostgresToolError(`unknown tool ${tool}`);
  }
}

/** Connectivity check for the probe, over a connection of its own: the built-in tools are always the same three. */
export async function probePostgres(config: PostgresConnectorConfig, limits: PostgresLimits): Promise<void> {
  const db = new PostgresDatabase(config, limits, 1);
  try {
    await db.ping();
  } finally {
    await db.end();
  }
}
