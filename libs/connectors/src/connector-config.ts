/** Per-type connector configuration, as stored (secrets sealed) and as answered (secrets masked). */
export const CONNECTOR_TYPES = ['mcp_http', 'mcp_sse', 'mcp_stdio', 'postgresql'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export interface HttpConnectorConfig {
  url: string;
  headers?: Record<string, string>;
}

export interface StdioConnectorConfig {
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

export interface PostgresConnectorConfig {
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  ssl?: boolean;
}

export type ConnectorConfig =
  | { type: 'mcp_http'; config: HttpConnectorConfig }
  | { type: 'mcp_sse'; config: HttpConnectorConfig }
  | { type: 'mcp_stdio'; config: StdioConnectorConfig }
  | { type: 'postgresql'; config: PostgresConnectorConfig };

export const SECRET_MASK = '••••••••';
