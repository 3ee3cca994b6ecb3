import type { JsonValue } from './policy.types.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether an argument (anything at all) equals a condition's JSON value.
 * Recursion follows `expected`, whose depth validation has bounded, so a
 * deeply nested argument cannot exhaust the stack.
 */
export function jsonEquals(actual: unknown, expected: JsonValue): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) if (!jsonEquals(actual[i], expected[i])) return false;
    return true;
  }
  if (!isPlainObject(actual)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(actual, key) || !jsonEquals(actual[key], expected[key])) return false;
  }
  return true;
}

/** Why `value` is not plain JSON within `maxDepth` levels, or null. */
export function jsonProblem(value: unknown, maxDepth: number): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be a finite number';
  const nested = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : null;
  if (nested === null) return 'must be a JSON value';
  if (maxDepth <= 0) return 'is nested too deeply';
  for (const item of nested) {
    const problem = jsonProblem(item, maxDepth - 1);
    if (problem) return problem;
  }
  return null;
}
