import { gatewayVersionProblem } from './gateway-identity.js';
import { DEFAULT_DETECTORS } from './guardrail-detectors.js';
import { cloneJson, hasOwn, isPlainObject, jsonProblem, type PlainObject } from './json.js';
import {
  COMMON_GUARDRAIL_KEYS,
  DELETE_MARKER,
  SERVER_GUARDRAIL_KEYS,
  type CommonOverrides,
  type ConfigProblem,
  type GuardrailsConfig,
  type JsonValue,
  type ServerEntry,
  type ServersConfig,
  type Validated,
} from './servers-config.types.js';

export interface ServersConfigContext {
  /** Names of the organisation's connectors; a server's saved_name must be one. */
  connectorNames: ReadonlySet<string>;
  /** Detector names allowed in `block`; defaults to the five local detectors. */
  detectors?: ReadonlySet<string>;
}

export const SERVERS_CONFIG_LIMITS = {
  servers: 500,
  tools: 1000,
  toolNameLength: 128,
  guardrailNameLength: 128,
  additionalConfigDepth: 16,
} as const;

const ROOT = 'servers_config';

/**
 * Rule 6: checks a whole config (a merge result, a PUT or create body) and
 * returns a fresh, normalised copy: a missing `common_overrides`/`servers`
 * becomes empty, a guardrails config without `additional_config`/`block`
 * gets `{}`/`[]`. Every problem is reported, each with its path.
 */
export function validateServersConfig(value: unknown, ctx: ServersConfigContext): Validated<ServersConfig> {
  const problems = new Problems();
  if (!isPlainObject(value)) {
    problems.add(ROOT, 'must be an object');
    return problems.result<ServersConfig>(null);
  }
  problems.unknownKeys(value, ['common_overrides', 'servers'], ROOT);
  const common = commonOverrides(value.common_overrides, `${ROOT}.common_overrides`, ctx, problems);
  const servers = serverList(value.servers, `${ROOT}.servers`, ctx, problems);
  return problems.result({ common_overrides: common, servers });
}

class Problems {
  readonly list: ConfigProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  unknownKeys(value: PlainObject, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add(`${path}.${key}`, `is not a known field (expected ${allowed.join(', ')})`);
    }
  }

  result<T>(value: T | null): Validated<T> {
    if (this.list.length > 0 || value === null) return { ok: false, errors: this.list };
    return { ok: true, value };
  }
}

function commonOverrides(value: unknown, path: string, ctx: ServersConfigContext, problems: Problems): CommonOverrides {
  const out: CommonOverrides = {};
  if (value === undefined) return out;
  if (!isPlainObject(value)) {
    problems.add(path, 'must be an object');
    return out;
  }
  problems.unknownKeys(value, COMMON_GUARDRAIL_KEYS, path);
  for (const key of COMMON_GUARDRAIL_KEYS) {
    if (value[key] !== undefined) out[key] = guardrails(value[key], `${path}.${key}`, ctx, problems);
  }
  return out;
}

function serverList(value: unknown, path: string, ctx: ServersConfigContext, problems: Problems): ServerEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(path, 'must be an array of servers');
    return [];
  }
  if (value.length > SERVERS_CONFIG_LIMITS.servers) problems.add(path, `must have at most ${SERVERS_CONFIG_LIMITS.servers} servers (got ${value.length})`);
  const seen = new Map<string, number>();
  return value.map((entry: unknown, i) => {
    const server = serverEntry(entry, `${path}[${i}]`, ctx, problems);
    const key = `${server.saved_name}\u0000${server.server_version}`;
    const first = seen.get(key);
    if (first !== undefined) problems.add(`${path}[${i}]`, `repeats ${path}[${first}] (same saved_name and server_version)`);
    else seen.set(key, i);
    return server;
  });
}

function serverEntry(value: unknown, path: string, ctx: ServersConfigContext, problems: Problems): ServerEntry {
  if (!isPlainObject(value)) {
    problems.add(path, 'must be an object with saved_name and server_version');
    return { saved_name: '', server_version: '' };
  }
  if (hasOwn(value, DELETE_MARKER)) problems.add(`${path}.${DELETE_MARKER}`, 'is only meaningful in a PATCH and is never stored');
  problems.unknownKeys(
    value,
    ['saved_name', 'server_version', ...SERVER_GUARDRAIL_KEYS, 'tools', ...(hasOwn(value, DELETE_MARKER) ? [DELETE_MARKER] : [])],
    path,
  );
  const name = value.saved_name;
  if (typeof name !== 'string' || name.length === 0) problems.add(`${path}.saved_name`, 'must be the name of a connector');
  else if (!ctx.connectorNames.has(name)) problems.add(`${path}.saved_name`, `no connector named ${JSON.stringify(name)} in this organisation`);
  const versionProblem = gatewayVersionProblem(value.server_version);
  if (versionProblem) problems.add(`${path}.server_version`, versionProblem);

  const out: ServerEntry = { saved_name: typeof name === 'string' ? name : '', server_version: typeof value.server_version === 'string' ? value.server_version : '' };
  for (const key of SERVER_GUARDRAIL_KEYS) {
    if (value[key] !== undefined) out[key] = guardrails(value[key], `${path}.${key}`, ctx, problems);
  }
  if (value.tools !== undefined) out.tools = toolList(value.tools, `${path}.tools`, problems);
  return out;
}

function toolList(value: unknown, path: string, problems: Problems): string[] {
  if (!Array.isArray(value)) {
    problems.add(path, 'must be an array of tool names');
    return [];
  }
  if (value.length > SERVERS_CONFIG_LIMITS.tools) problems.add(path, `must have at most ${SERVERS_CONFIG_LIMITS.tools} tools`);
  const tools: string[] = [];
  value.forEach((tool: unknown, i) => {
    if (typeof tool !== 'string' || tool.length === 0 || tool.length > SERVERS_CONFIG_LIMITS.toolNameLength) {
      problems.add(`${path}[${i}]`, `must be a tool name of 1 to ${SERVERS_CONFIG_LIMITS.toolNameLength} characters`);
    } else if (tools.includes(tool)) {
      problems.add(`${path}[${i}]`, `repeats ${JSON.stringify(tool)}`);
    } else {
      tools.push(tool);
    }
  });
  return tools;
}

function guardrails(value: unknown, path: string, ctx: ServersConfigContext, problems: Problems): GuardrailsConfig {
  const out: GuardrailsConfig = { enabled: false, guardrail_name: '', additional_config: {}, block: [] };
  if (!isPlainObject(value)) {
    problems.add(path, 'must be a guardrails config object {enabled, guardrail_name, additional_config, block}');
    return out;
  }
  problems.unknownKeys(value, ['enabled', 'guardrail_name', 'additional_config', 'block'], path);
  if (typeof value.enabled === 'boolean') out.enabled = value.enabled;
  else problems.add(`${path}.enabled`, value.enabled === undefined ? 'is required' : 'must be a boolean');

  const name = value.guardrail_name;
  if (typeof name === 'string' && name.length > 0 && name.length <= SERVERS_CONFIG_LIMITS.guardrailNameLength) out.guardrail_name = name;
  else problems.add(`${path}.guardrail_name`, name === undefined ? 'is required' : `must be a string of 1 to ${SERVERS_CONFIG_LIMITS.guardrailNameLength} characters`);

  if (value.additional_config !== undefined) out.additional_config = additionalConfig(value.additional_config, `${path}.additional_config`, problems);
  if (value.block !== undefined) out.block = blockList(value.block, `${path}.block`, ctx.detectors ?? DEFAULT_DETECTORS, problems);
  return out;
}

function additionalConfig(value: unknown, path: string, problems: Problems): Record<string, JsonValue> {
  if (!isPlainObject(value)) {
    problems.add(path, 'must be an object');
    return {};
  }
  const problem = jsonProblem(value, SERVERS_CONFIG_LIMITS.additionalConfigDepth);
  if (problem) {
    problems.add(path, problem);
    return {};
  }
  if (value.pii_redaction !== undefined && typeof value.pii_redaction !== 'boolean') problems.add(`${path}.pii_redaction`, 'must be a boolean');
  return cloneJson(value) as Record<string, JsonValue>;
}

function blockList(value: unknown, path: string, detectors: ReadonlySet<string>, problems: Problems): string[] {
  if (!Array.isArray(value)) {
    problems.add(path, 'must be an array of detector names');
    return [];
  }
  const known = (): string => [...detectors].join(', ');
  const block: string[] = [];
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string') problems.add(`${path}[${i}]`, `must be a detector name, one of ${known()}`);
    else if (!detectors.has(name)) problems.add(`${path}[${i}]`, `unknown detector ${JSON.stringify(name)}; this gateway runs ${known()}`);
    else if (block.includes(name)) problems.add(`${path}[${i}]`, `repeats ${JSON.stringify(name)}`);
    else block.push(name);
  });
  return block;
}
