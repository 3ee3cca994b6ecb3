const SLUG = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

/** Paths the product owns must never become an organisation's slug. */
const RESERVED = new Set(['admin', 'api', 'mcp', 'oauth', 'health', 'ready', 'metrics', 'swagger', 'v1', 'well-known']);

/** Returns why a slug is not acceptable, or null. */
export function validateSlug(slug: string): string | null {
  if (!SLUG.test(slug)) {
    return 'must be 3-40 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit';
  }
  if (slug.includes('--')) return 'must not contain consecutive hyphens';
  if (RESERVED.has(slug)) return `"${slug}" is reserved`;
  return null;
}
