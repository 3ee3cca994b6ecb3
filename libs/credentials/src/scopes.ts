export const SCOPES = ['admin', 'read', 'mcp:call', 'audit:read', 'approvals:decide'] as const;
export type Scope = (typeof SCOPES)[number];

/** `admin` manages the org, so it includes the org-API scopes; never `mcp:call`. */
const IMPLIED: Partial<Record<Scope, Scope[]>> = {
  admin: ['read', 'audit:read', 'approvals:decide'],
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function effectiveScopes(granted: readonly string[]): Set<Scope> {
  const out = new Set<Scope>();
  for (const s of granted) {
    if (!isScope(s)) continue;
    out.add(s);
    for (const implied of IMPLIED[s] ?? []) out.add(implied);
  }
  return out;
}

export function hasScopes(granted: readonly string[], required: readonly Scope[]): boolean {
  if (required.length === 0) return true;
  const effective = effectiveScopes(granted);
  return required.every((s) => effective.has(s));
}

export const OWNER_SCOPES: Scope[] = ['admin', 'read', 'mcp:call', 'audit:read', 'approvals:decide'];
