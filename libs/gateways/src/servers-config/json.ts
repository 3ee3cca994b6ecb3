import type { JsonValue } from './servers-config.types.js';

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Assigning `__proto__` with `=` would change the object's prototype instead
 * of adding a key, and JSON.parse does hand us such keys.
 */
export function setOwn(target: PlainObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function hasOwn(target: PlainObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

/** Copies plain data so that a result never aliases the stored value or the patch. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneJson(v)) as T;
  if (isPlainObject(value)) {
    const out: PlainObject = {};
    for (const key of Object.keys(value)) setOwn(out, key, cloneJson(value[key]));
    return out as T;
  }
  return value;
}

/**
 * SPEC §3 rules 1, 2 and 5: absent keys are kept, `null` deletes a key, and
 * anything that is not an object (arrays included) replaces. Merging onto
 * `undefined` therefore also drops the nulls of a newly added object, so a
 * patch applied twice gives the same result as applied once.
 */
export function deepMerge(stored: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const base = isPlainObject(stored) ? stored : {};
  const out: PlainObject = {};
  for (const key of Object.keys(base)) {
    if (!hasOwn(patch, key)) setOwn(out, key, cloneJson(base[key]));
    else if (patch[key] !== null) setOwn(out, key, deepMerge(base[key], patch[key]));
  }
  for (const key of Object.keys(patch)) {
    if (!hasOwn(base, key) && patch[key] !== null) setOwn(out, key, deepMerge(undefined, patch[key]));
  }
  return out;
}

/** A JSON problem at `path`, or null; `depth` bounds recursion on hostile input. */
export function jsonProblem(value: unknown, maxDepth: number): string | null {
  return findJsonProblem(value, maxDepth, '');
}

function findJsonProblem(value: unknown, depthLeft: number, at: string): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${at || 'value'} must be a finite number`;
  if (depthLeft <= 0 && (Array.isArray(value) || isPlainObject(value))) return `${at || 'value'} is nested too deeply`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findJsonProblem(value[i], depthLeft - 1, `${at}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const problem = findJsonProblem(value[key], depthLeft - 1, at ? `${at}.${key}` : key);
      if (problem) return problem;
    }
    return null;
  }
  return `${at || 'value'} is not a JSON value`;
}

export function isJsonValue(value: unknown, maxDepth: number): value is JsonValue {
  return jsonProblem(value, maxDepth) === null;
}

/** Structural equality of plain data; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v: unknown, i) => jsonEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
