import { cloneJson, deepMerge, hasOwn, isPlainObject, setOwn, type PlainObject } from './json.js';
import {
  DELETE_MARKER,
  GUARDRAIL_KEYS,
  type GatewayMutableState,
  type GatewayPatch,
  type ServersConfig,
} from './servers-config.types.js';

/**
 * Applies a `servers_config` PATCH (SPEC §3 rules 1–5) to the stored config.
 *
 * Total and pure: any input gives a result and neither argument is modified or
 * aliased. The result is deliberately `unknown`: a merge can produce something
 * that is not a valid config (a replaced guardrail without `enabled`, a server
 * naming a deleted connector), so it has to pass `validateServersConfig`
 * (rule 6) before anything is stored. Patches that pass
 * `validateServersConfigPatch` merge idempotently.
 */
export function mergeServersConfig(stored: ServersConfig, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  return mergeObject(stored, patch, (key, storedValue, patchValue) => {
    if (key === 'servers') return mergeServers(storedValue, patchValue);
    if (key === 'common_overrides') return mergeWithGuardrails(storedValue, patchValue);
    return deepMerge(storedValue, patchValue);
  });
}

/** The gateway-level PATCH: flags replace, `servers_config` merges. */
export function mergeGatewayPatch(stored: GatewayMutableState, patch: GatewayPatch): { servers_config: unknown; is_active: boolean; is_sample: boolean } {
  return {
    servers_config: patch.servers_config === undefined ? cloneJson(stored.servers_config) : mergeServersConfig(stored.servers_config, patch.servers_config),
    is_active: patch.is_active ?? stored.is_active,
    is_sample: patch.is_sample ?? stored.is_sample,
  };
}

type KeyMerger = (key: string, stored: unknown, patch: unknown) => unknown;

/** Rules 1–2 at one level, delegating each present key to `mergeKey`. */
function mergeObject(stored: unknown, patch: PlainObject, mergeKey: KeyMerger): PlainObject {
  const base = isPlainObject(stored) ? stored : {};
  const out: PlainObject = {};
  for (const key of Object.keys(base)) {
    if (!hasOwn(patch, key)) setOwn(out, key, cloneJson(base[key]));
    else if (patch[key] !== null) setOwn(out, key, mergeKey(key, base[key], patch[key]));
  }
  for (const key of Object.keys(patch)) {
    if (!hasOwn(base, key) && patch[key] !== null) setOwn(out, key, mergeKey(key, undefined, patch[key]));
  }
  return out;
}

/** An object (common_overrides, a server entry) whose guardrail keys follow rule 4. */
function mergeWithGuardrails(stored: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  return mergeObject(stored, patch, (key, storedValue, patchValue) =>
    GUARDRAIL_KEYS.has(key) ? mergeGuardrails(storedValue, patchValue) : deepMerge(storedValue, patchValue),
  );
}

/**
 * Rule 4: the patch's guardrails object replaces the stored one as a unit, so
 * a key it leaves out is gone; only `additional_config` carries over, merged
 * by rules 1–2 (an absent one keeps the stored one).
 */
function mergeGuardrails(stored: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const storedExtra = isPlainObject(stored) ? stored.additional_config : undefined;
  const out: PlainObject = {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) continue;
    setOwn(out, key, key === 'additional_config' ? deepMerge(storedExtra, value) : deepMerge(undefined, value));
  }
  if (!hasOwn(patch, 'additional_config') && storedExtra !== undefined) out.additional_config = cloneJson(storedExtra);
  return out;
}

/**
 * Rule 3: entries are upserted by (saved_name, server_version) in patch
 * order; `_delete: true` removes (a no-op when the pair is absent, so a
 * repeated patch is harmless); the marker itself is never kept.
 */
function mergeServers(stored: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) return deepMerge(stored, patch);
  const out: unknown[] = Array.isArray(stored) ? stored.map((entry: unknown) => cloneJson(entry)) : [];
  const positions = new Map<string, number>();
  out.forEach((entry, i) => {
    const key = serverKey(entry);
    if (key !== null && !positions.has(key)) positions.set(key, i);
  });
  // Removed entries leave a hole until the end, so that positions stay valid.
  let removed = false;
  for (const entry of patch as unknown[]) {
    const key = serverKey(entry);
    const at = key === null ? undefined : positions.get(key);
    if (isPlainObject(entry) && entry[DELETE_MARKER] === true) {
      if (at !== undefined) {
        out[at] = REMOVED;
        positions.delete(key!);
        removed = true;
      }
    } else if (at !== undefined) {
      out[at] = mergeServerEntry(out[at], entry);
    } else {
      // An entry without a usable key cannot be upserted; appending it lets
      // validation name exactly what is wrong with it.
      if (key !== null) positions.set(key, out.length);
      out.push(mergeServerEntry(undefined, entry));
    }
  }
  return removed ? out.filter((entry) => entry !== REMOVED) : out;
}

const REMOVED: unique symbol = Symbol('removed');

function mergeServerEntry(stored: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  return mergeWithGuardrails(stored, withoutDeleteMarker(patch));
}

function withoutDeleteMarker(entry: PlainObject): PlainObject {
  if (!hasOwn(entry, DELETE_MARKER)) return entry;
  const copy: PlainObject = {};
  for (const key of Object.keys(entry)) if (key !== DELETE_MARKER) setOwn(copy, key, entry[key]);
  return copy;
}

/** The upsert key, or null when the entry does not carry one. */
export function serverKey(entry: unknown): string | null {
  if (!isPlainObject(entry)) return null;
  const { saved_name: name, server_version: version } = entry;
  if (typeof name !== 'string' || typeof version !== 'string') return null;
  // NUL cannot occur in a valid name, so the pair maps to one string.
  return `${name}\u0000${version}`;
}
