/**
 * The argument paths of `when` conditions: an optional `$` root, then
 * `.member`, `[index]` or `['any key']` / `["any key"]` steps; a path may
 * also start with a bare member (`to`, `items[0].name`). No wildcards, no
 * recursive descent, no filters: a condition reads exactly one value.
 */
export const JSON_PATH_MAX_LENGTH = 256;
export const JSON_PATH_MAX_STEPS = 32;

/** Returned by `resolve` for a path that leads nowhere; distinct from a JSON `null`. */
export const MISSING: unique symbol = Symbol('missing');

export class JsonPath {
  /**
   * Each step as a key plus, when the key is a canonical array index, that
   * index (else -1): resolving then needs no parsing and no allocation.
   */
  private constructor(
    readonly source: string,
    private readonly keys: readonly string[],
    private readonly indices: Int32Array,
  ) {}

  static parse(source: string): { ok: true; path: JsonPath } | { ok: false; message: string } {
    const parsed = parseSteps(source);
    if (typeof parsed === 'string') return { ok: false, message: parsed };
    const indices = Int32Array.from(parsed, (key) => (/^(0|[1-9][0-9]{0,8})$/.test(key) ? Number(key) : -1));
    return { ok: true, path: new JsonPath(source, parsed, indices) };
  }

  get depth(): number {
    return this.keys.length;
  }

  /**
   * Own properties only (never `constructor` or `__proto__` from a
   * prototype); an index reads an array, a key reads an object, and `[0]` on
   * an object reads its key "0".
   */
  resolve(root: unknown): unknown {
    let current = root;
    for (let i = 0; i < this.keys.length; i++) {
      if (typeof current !== 'object' || current === null) return MISSING;
      if (Array.isArray(current)) {
        const index = this.indices[i];
        if (index < 0 || index >= current.length) return MISSING;
        current = current[index];
      } else {
        const key = this.keys[i];
        if (!Object.prototype.hasOwnProperty.call(current, key)) return MISSING;
        current = (current as Record<string, unknown>)[key];
      }
    }
    return current === undefined ? MISSING : current;
  }
}

const MEMBER = /^[A-Za-z0-9_-]+/;

/** The steps of `source`, or a message saying what is wrong and where. */
function parseSteps(source: string): string[] | string {
  if (typeof source !== 'string' || source.trim() === '') return 'must be a non-empty JSON path such as "$.to" or "items[0].name"';
  if (source.length > JSON_PATH_MAX_LENGTH) return `must be at most ${JSON_PATH_MAX_LENGTH} characters`;
  const steps: string[] = [];
  let i = 0;
  if (source[0] === '$') {
    i = 1;
  } else {
    const first = MEMBER.exec(source);
    if (first) {
      steps.push(first[0]);
      i = first[0].length;
    } else if (source[0] !== '[') {
      return unexpected(source, 0);
    }
  }
  while (i < source.length) {
    const c = source[i];
    if (c === '.') {
      if (source[i + 1] === '.') return 'recursive descent ("..") is not supported; write the full path';
      if (source[i + 1] === '*') return 'wildcards are not supported; a condition reads one value';
      const member = MEMBER.exec(source.slice(i + 1));
      if (!member) return i + 1 >= source.length ? 'must not end with "."' : unexpected(source, i + 1);
      steps.push(member[0]);
      i += 1 + member[0].length;
    } else if (c === '[') {
      const step = bracketStep(source, i);
      if (typeof step.error === 'string') return step.error;
      steps.push(step.key);
      i = step.next;
    } else {
      return unexpected(source, i);
    }
    if (steps.length > JSON_PATH_MAX_STEPS) return `must have at most ${JSON_PATH_MAX_STEPS} steps`;
  }
  return steps;
}

type BracketStep = { key: string; next: number; error?: undefined } | { error: string };

function bracketStep(source: string, open: number): BracketStep {
  const c = source[open + 1];
  if (c === "'" || c === '"') return quotedStep(source, open + 1, c);
  const close = source.indexOf(']', open);
  if (close < 0) return { error: `unclosed "[" at position ${open}` };
  const inside = source.slice(open + 1, close);
  if (inside === '*') return { error: 'wildcards are not supported; a condition reads one value' };
  if (inside.startsWith('?')) return { error: 'filter expressions are not supported' };
  if (/^-[0-9]+$/.test(inside)) return { error: 'negative indices are not supported' };
  if (!/^(0|[1-9][0-9]{0,8})$/.test(inside)) return { error: `"[${inside}]" is not an array index; quote a key as ['key']` };
  return { key: inside, next: close + 1 };
}

/** A quoted key; a backslash escapes the quote or itself. */
function quotedStep(source: string, quoteAt: number, quote: string): BracketStep {
  let key = '';
  for (let i = quoteAt + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && (source[i + 1] === quote || source[i + 1] === '\\')) {
      key += source[++i];
    } else if (c === quote) {
      if (source[i + 1] !== ']') return { error: `expected "]" after the quoted key at position ${i + 1}` };
      return { key, next: i + 2 };
    } else {
      key += c;
    }
  }
  return { error: `unclosed quote at position ${quoteAt}` };
}

function unexpected(source: string, at: number): string {
  return `unexpected ${JSON.stringify(source[at])} at position ${at}`;
}
