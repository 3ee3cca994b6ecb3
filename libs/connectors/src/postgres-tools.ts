import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Env } from '@gatehouse/config';
import type { PostgresConnectorConfig } from './connector-config.js';
import { PostgresDatabase, type PostgresLimits, type Query } from './postgres-database.js';

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

/** The statement through a cursor that fetches at most rowCap + 1 rows: rowCap are kept, and whether there were more. */
async function capped(query: Query, sql: string, values: unknown[], rowCap: number): Promise<QueryResult> {
  await query({ text: `DECLARE gatehouse_cursor NO SCROLL CURSOR FOR ${sql}`, values });
  const res = await query({ text: `FETCH FORWARD ${rowCap + 1} FROM gatehouse_cursor`, values: [] });
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

/**
 * Runs a built-in tool on the connector's database. Throws PostgresToolError
 * for bad arguments (before the database is asked), and what
 * PostgresDatabase.readOnly throws.
 */
export function runPostgresTool(db: PostgresDatabase, tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<QueryResult> {
  const sql = toolSql(tool, args);
  return db.readOnly((query) => capped(query, sql.text, sql.values, db.limits.rowCap), signal);
}

/**
 * The limits of the built-in connector, for the probe and the data plane
 * alike: what an agent's statement may take on the server, how many rows come
 * back, how long connecting may take, and whether private addresses are allowed.
 */
export function postgresLimits(env: Pick<Env, 'PROBE_TIMEOUT_MS' | 'ALLOW_PRIVATE_UPSTREAMS'>): PostgresLimits {
  return { statementTimeoutMs: 5_000, rowCap: 1_000, connectTimeoutMs: env.PROBE_TIMEOUT_MS, allowPrivate: env.ALLOW_PRIVATE_UPSTREAMS };
}

/** Connectivity check for the probe, over a connection of its own: the built-in tools are always the same three. */
export async function probePostgres(config: PostgresConnectorConfig, limits: PostgresLimits): Promise<void> {
  const db = new PostgresDatabase(config, limits, 0);
  try {
    await db.ping();
  } finally {
    await db.end();
  }
}
