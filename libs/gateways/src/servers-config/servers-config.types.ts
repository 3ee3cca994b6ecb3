/**
 * The persisted shape of a gateway's `servers_config` (SPEC §3, seed
 * enkrypt-modify-gateway). Only `validateServersConfig` produces values of
 * these types; a merge result is `unknown` until it has been validated.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface GuardrailsConfig {
  enabled: boolean;
  guardrail_name: string;
  additional_config: Record<string, JsonValue>;
  block: string[];
}

export interface ServerEntry {
  saved_name: string;
  server_version: string;
  input_guardrails_config?: GuardrailsConfig;
  output_guardrails_config?: GuardrailsConfig;
  /** Allowlist of the connector's tools; absent means every tool. */
  tools?: string[];
}

export interface CommonOverrides {
  input_guardrails_config?: GuardrailsConfig;
  output_guardrails_config?: GuardrailsConfig;
  server_tools_guardrails_config?: GuardrailsConfig;
}

export interface ServersConfig {
  common_overrides: CommonOverrides;
  servers: ServerEntry[];
}

/** The part of a gateway that PATCH can change. */
export interface GatewayMutableState {
  servers_config: ServersConfig;
  is_active: boolean;
  is_sample: boolean;
}

/** A patch body whose top level has been checked; `servers_config` is merged, not trusted. */
export interface GatewayPatch {
  servers_config?: Record<string, unknown>;
  is_active?: boolean;
  is_sample?: boolean;
}

export interface ConfigProblem {
  /** Where in the request body, e.g. `servers_config.servers[0].tools[2]`. */
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: ConfigProblem[] };

export const COMMON_GUARDRAIL_KEYS = ['input_guardrails_config', 'output_guardrails_config', 'server_tools_guardrails_config'] as const;
export const SERVER_GUARDRAIL_KEYS = ['input_guardrails_config', 'output_guardrails_config'] as const;

/** Keys that are merged by SPEC §3 rule 4 wherever they appear. */
export const GUARDRAIL_KEYS: ReadonlySet<string> = new Set<string>(COMMON_GUARDRAIL_KEYS);

/** Marks a server entry for removal in a PATCH; never part of the stored shape. */
export const DELETE_MARKER = '_delete';
