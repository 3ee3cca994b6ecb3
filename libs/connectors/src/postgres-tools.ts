import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import pg from 'pg';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { PostgresConnectorConfig } from './connector-config.js';
import { UpstreamRefused } from './guarded-fetch.js';
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

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

async function assertHostAllowed(host: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  const bad = addresses.find((a) => isForbiddenAddress(a));
  if (bad || host === 'localhost') throw new UpstreamRefused(`database host ${host} is a private, loopback or link-local address`);
}

/**
 * Every call runs in its own READ ONLY transaction with a statement timeout,
 * through a cursor that fetches at most rowCap + 1 rows, and is rolled back.
 * The extended protocol refuses a second statement smuggled after a `;`.
 */
async function withReadOnly<T>(config: PostgresConnectorConfig, limits: PostgresLimits, work: (c: pg.Client) => Promise<T>): Promise<T> {
  await assertHostAllowed(config.host, limits.allowPrivate);
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password,
    ssl: config.ssl ? { rejectUnauthorized: true } : undefined,
    connectionTimeoutMillis: limits.connectTimeoutMs,
    statement_timeout: limits.statementTimeoutMs,
    application_name: 'gatehouse-connector',
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

async function capped(client: pg.Client, sql: string, values: unknown[], rowCap: number): Promise<QueryResult> {
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

export async function runPostgresTool(
  config: PostgresConnectorConfig,
  tool: string,
  args: Record<string, unknown>,
  limits: PostgresLimits,
): Promise<QueryResult> {
  switch (tool) {
    case 'list_tables': {
      const schema = stringArg(args, 'schema', false);
      return withReadOnly(config, limits, (c) =>
        capped(
          c,
          `SELECT table_schema AS schema, table_name AS name, table_type AS type FROM information_schema.tables
           WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND ($1::text IS NULL OR table_schema = $1)
           ORDER BY 1, 2`,
          [schema ?? null],
          limits.rowCap,
        ),
      );
    }
    case 'describe_table': {
      const table = stringArg(args, 'table', true)!;
      const schema = stringArg(args, 'schema', false) ?? 'public';
      return withReadOnly(config, limits, (c) =>
        capped(
          c,
          `SELECT column_name AS name, data_type AS type, is_nullable = 'YES' AS nullable, column_default AS "default"
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
          [schema, table],
          limits.rowCap,
        ),
      );
    }
    case 'query': {
      const sql = stringArg(args, 'sql', true)!.trim().replace(/;\s*$/, '');
      return withReadOnly(config, limits, (c) => capped(c, sql, [], limits.rowCap));
    }
    default:
      throw new PostgresToolError(`unknown tool ${tool}`);
  }
}

/** Connectivity check for the probe: the built-in tools are always the same three. */
export async function probePostgres(config: PostgresConnectorConfig, limits: PostgresLimits): Promise<void> {
  await withReadOnly(config, limits, (c) => c.query('SELECT 1'));
}
