/**
 * Globs for connector, tool and agent names: `*` is any run of characters
 * (also none), `?` exactly one, everything else itself, case-sensitive.
 * Matching is linear in practice and O(pattern × name) at worst, never
 * exponential, unlike a glob turned into a backtracking RegExp.
 */
export const GLOB_MAX_LENGTH = 200;

/** Characters that other glob dialects give a meaning we do not implement. */
const RESERVED = /[[\]{}\\]/;

/** Why `pattern` is not a glob we accept, or null. */
export function globProblem(pattern: unknown): string | null {
  if (typeof pattern !== 'string' || pattern.length === 0) return 'must be a non-empty glob string';
  if (pattern.length > GLOB_MAX_LENGTH) return `must be at most ${GLOB_MAX_LENGTH} characters`;
  if (RESERVED.test(pattern)) return 'supports only "*" and "?"; "[", "]", "{", "}" and "\\" are not allowed';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return 'must not contain control characters';
  return null;
}

const enum Kind {
  Any,
  Exact,
  Prefix,
  Suffix,
  Infix,
  General,
}

/**
 * One class for every shape keeps the evaluator's call site monomorphic; the
 * common shapes (`*`, exact, `db-*`, `*_read`, `*mail*`) skip the general loop.
 */
export class Glob {
  private readonly kind: Kind;
  private readonly literal: string;

  constructor(readonly pattern: string) {
    const problem = globProblem(pattern);
    if (problem) throw new TypeError(`invalid glob ${JSON.stringify(pattern)}: ${problem}`);
    if (/^\*+$/.test(pattern)) [this.kind, this.literal] = [Kind.Any, ''];
    else if (!/[*?]/.test(pattern)) [this.kind, this.literal] = [Kind.Exact, pattern];
    else if (/^[^*?]+\*$/.test(pattern)) [this.kind, this.literal] = [Kind.Prefix, pattern.slice(0, -1)];
    else if (/^\*[^*?]+$/.test(pattern)) [this.kind, this.literal] = [Kind.Suffix, pattern.slice(1)];
    else if (/^\*[^*?]+\*$/.test(pattern)) [this.kind, this.literal] = [Kind.Infix, pattern.slice(1, -1)];
    else [this.kind, this.literal] = [Kind.General, pattern];
  }

  get matchesEverything(): boolean {
    return this.kind === Kind.Any;
  }

  test(name: string): boolean {
    switch (this.kind) {
      case Kind.Any:
        return true;
      case Kind.Exact:
        return name === this.literal;
      case Kind.Prefix:
        return name.startsWith(this.literal);
      case Kind.Suffix:
        return name.endsWith(this.literal);
      case Kind.Infix:
        return name.includes(this.literal);
      case Kind.General:
        return globMatch(this.literal, name);
    }
  }
}

/**
 * Greedy match remembering only the last `*`: when a later literal fails,
 * the last star swallows one more character. Earlier stars never need to be
 * revisited, which is what keeps this polynomial.
 */
function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    const c = pattern.charCodeAt(p);
    if (p < pattern.length && c !== 42 && (c === 63 || c === name.charCodeAt(n))) {
      p++;
      n++;
    } else if (p < pattern.length && c === 42) {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}
