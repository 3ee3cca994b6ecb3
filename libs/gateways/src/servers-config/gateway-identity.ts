/** A gateway's saved_name and version (SPEC §3; seed: header max length 32). */
export const GATEWAY_NAME_MAX_LENGTH = 32;
export const GATEWAY_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
/** `v1`, `v2`, …: no `v0`, no leading zeros, so each version has one spelling. */
export const GATEWAY_VERSION_PATTERN = /^v[1-9][0-9]{0,8}$/;
export const DEFAULT_GATEWAY_VERSION = 'v1';

/** Why `value` is not a gateway name, or null when it is one. */
export function gatewayNameProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > GATEWAY_NAME_MAX_LENGTH) return `must be at most ${GATEWAY_NAME_MAX_LENGTH} characters (got ${value.length})`;
  if (!GATEWAY_NAME_PATTERN.test(value)) return 'must start with a letter or digit and contain only letters, digits, "_" and "-"';
  return null;
}

export function isGatewayName(value: unknown): value is string {
  return gatewayNameProblem(value) === null;
}

/** Why `value` is not a version like `v1`, or null when it is one. */
export function gatewayVersionProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string like "v1"';
  if (!GATEWAY_VERSION_PATTERN.test(value)) return `must be "v" followed by a positive integer, like "v1" (got ${JSON.stringify(value)})`;
  return null;
}

export function isGatewayVersion(value: unknown): value is string {
  return gatewayVersionProblem(value) === null;
}

/** `v7` → 7; null for anything that is not a version. */
export function parseGatewayVersion(value: string): number | null {
  return GATEWAY_VERSION_PATTERN.test(value) ? Number(value.slice(1)) : null;
}

export function formatGatewayVersion(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`not a gateway version number: ${n}`);
  return `v${n}`;
}

/** The version "new version from" should create: one past the highest, gaps left alone. */
export function nextGatewayVersion(existing: Iterable<string>): string {
  let highest = 0;
  for (const version of existing) highest = Math.max(highest, parseGatewayVersion(version) ?? 0);
  return formatGatewayVersion(highest + 1);
}
