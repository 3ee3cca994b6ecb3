import { isPlainObject, jsonEqual } from './json.js';
import { mergeGatewayPatch, serverKey } from './servers-config.merge.js';
import { validateServersConfig, type ServersConfigContext } from './servers-config.validate.js';
import { DELETE_MARKER, type ConfigProblem, type GatewayMutableState, type GatewayPatch, type Validated } from './servers-config.types.js';

export type GatewayPatchOutcome =
  | { ok: true; value: GatewayMutableState; changed: boolean }
  /** `patch`: the body cannot be applied (400); `result`: the merged gateway is invalid (422, SPEC §3 rule 6). */
  | { ok: false; stage: 'patch' | 'result'; errors: ConfigProblem[] };

/**
 * The whole PATCH of a gateway: check the body's shape, merge, validate the
 * result. `changed` is false when the patch was a no-op, so callers can skip
 * a write and a revision.
 */
export function applyGatewayPatch(stored: GatewayMutableState, body: unknown, ctx: ServersConfigContext): GatewayPatchOutcome {
  const patch = validateGatewayPatch(body);
  if (!patch.ok) return { ok: false, stage: 'patch', errors: patch.errors };
  const merged = mergeGatewayPatch(stored, patch.value);
  const config = validateServersConfig(merged.servers_config, ctx);
  if (!config.ok) return { ok: false, stage: 'result', errors: config.errors };
  const value: GatewayMutableState = { servers_config: config.value, is_active: merged.is_active, is_sample: merged.is_sample };
  return { ok: true, value, changed: !jsonEqual(value, stored) };
}

/**
 * What must hold of a PATCH body before it can be merged at all: the merge
 * needs object levels to be objects and every server entry to carry its
 * upsert key. Everything else is judged on the merged result.
 */
export function validateGatewayPatch(body: unknown): Validated<GatewayPatch> {
  if (!isPlainObject(body)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  const errors: ConfigProblem[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'servers_config' && key !== 'is_active' && key !== 'is_sample') {
      errors.push({ path: key, message: 'is not a field that PATCH can change (expected servers_config, is_active, is_sample)' });
    }
  }
  for (const flag of ['is_active', 'is_sample'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') errors.push({ path: flag, message: 'must be a boolean' });
  }
  if (body.servers_config !== undefined) errors.push(...validateServersConfigPatch(body.servers_config));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: body };
}

/** Shape checks of a `servers_config` patch (see validateGatewayPatch). */
export function validateServersConfigPatch(patch: unknown, path = 'servers_config'): ConfigProblem[] {
  if (patch === null) return [{ path, message: 'cannot be deleted; send {"servers": null} to remove every server' }];
  if (!isPlainObject(patch)) return [{ path, message: 'must be an object' }];
  const errors: ConfigProblem[] = [];
  const common = patch.common_overrides;
  if (common !== undefined && common !== null && !isPlainObject(common)) errors.push({ path: `${path}.common_overrides`, message: 'must be an object or null' });
  const servers = patch.servers;
  if (servers === undefined || servers === null) return errors;
  if (!Array.isArray(servers)) return [...errors, { path: `${path}.servers`, message: 'must be an array of server entries to upsert, or null' }];
  const seen = new Map<string, number>();
  servers.forEach((entry: unknown, i) => {
    const at = `${path}.servers[${i}]`;
    if (!isPlainObject(entry)) {
      errors.push({ path: at, message: 'must be an object with saved_name and server_version' });
      return;
    }
    if (typeof entry.saved_name !== 'string' || entry.saved_name.length === 0) errors.push({ path: `${at}.saved_name`, message: 'is required to identify the server' });
    if (typeof entry.server_version !== 'string' || entry.server_version.length === 0) errors.push({ path: `${at}.server_version`, message: 'is required to identify the server' });
    const marker = entry[DELETE_MARKER];
    if (marker !== undefined && typeof marker !== 'boolean') errors.push({ path: `${at}.${DELETE_MARKER}`, message: 'must be a boolean' });
    const key = serverKey(entry);
    if (key === null) return;
    const first = seen.get(key);
    // Two entries for one server would make the result depend on how often the patch is applied.
    if (first !== undefined) errors.push({ path: at, message: `names the same server as ${path}.servers[${first}]` });
    else seen.set(key, i);
  });
  return errors;
}
