/**
 * Parser for the regular-expression subset of `matches` (see safe-regex.ts).
 * Character sets are kept as sorted inclusive ranges of UTF-16 code units.
 */
export type RegexNode =
  | { type: 'set'; ranges: readonly number[] }
  | { type: 'seq'; items: readonly RegexNode[] }
  | { type: 'alt'; options: readonly RegexNode[] }
  | { type: 'repeat'; node: RegexNode; min: number; max: number }
  | { type: 'assert'; kind: AssertKind };

export type AssertKind = 'start' | 'end' | 'word' | 'notWord';

export interface ParsedRegex {
  node: RegexNode;
  ignoreCase: boolean;
}

/** Counted repetition is expanded into copies, so its bounds are kept small. */
export const MAX_REPEAT = 100;
const MAX_CODE_UNIT = 0xffff;

export class RegexSyntaxError extends Error {}

const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const SPACE = [0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff];
const LINE_TERMINATORS = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];
const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d };

export function parseRegex(source: string): ParsedRegex {
  const ignoreCase = source.startsWith('(?i)');
  const parser = new Parser(ignoreCase ? source.slice(4) : source, ignoreCase ? 4 : 0, ignoreCase);
  return { node: parser.parse(), ignoreCase };
}

class Parser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly offset: number,
    private readonly ignoreCase: boolean,
  ) {}

  parse(): RegexNode {
    const node = this.alternation();
    if (this.pos < this.src.length) this.fail(`unmatched ")"`);
    return node;
  }

  private fail(message: string, at = this.pos): never {
    throw new RegexSyntaxError(`${message} at position ${at + this.offset}`);
  }

  private alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { type: 'alt', options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      items.push(this.quantified());
    }
    return items.length === 1 ? items[0] : { type: 'seq', items };
  }

  private quantified(): RegexNode {
    const start = this.pos;
    const atom = this.atom();
    const bounds = this.quantifier();
    if (!bounds) return atom;
    if (atom.type === 'assert') this.fail('nothing to repeat', start);
    if (this.src[this.pos] === '?') this.pos++; // lazy: the same language, and we only test
    return { type: 'repeat', node: atom, min: bounds[0], max: bounds[1] };
  }

  private quantifier(): [number, number] | null {
    const c = this.src[this.pos];
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    }
    if (c !== '{') return null;
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.src.slice(this.pos));
    if (!m) this.fail('a literal "{" must be escaped as "\\{"');
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`repetition counts above ${MAX_REPEAT} are not supported`);
    if (max < min) this.fail('repetition range out of order');
    this.pos += m[0].length;
    return [min, max];
  }

  private atom(): RegexNode {
    const c = this.src[this.pos];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.pos++;
        return { type: 'set', ranges: negate(LINE_TERMINATORS) };
      case '^':
        this.pos++;
        return { type: 'assert', kind: 'start' };
      case '$':
        this.pos++;
        return { type: 'assert', kind: 'end' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case '{':
        return this.fail('nothing to repeat');
      default:
        this.pos++;
        return this.literal(c.charCodeAt(0));
    }
  }

  private group(): RegexNode {
    const open = this.pos;
    if (this.src.startsWith('(?:', open)) this.pos += 3;
    else if (/^\(\?<?[=!]/.test(this.src.slice(open))) this.fail('lookahead and lookbehind are not supported');
    else if (this.src.startsWith('(?<', open)) this.fail('named groups are not supported; use "(?:...)"');
    else if (this.src.startsWith('(?i)', open)) this.fail('the (?i) flag is only allowed at the start of the pattern');
    else if (this.src.startsWith('(?', open)) this.fail('unsupported group syntax');
    else this.pos += 1;
    const inner = this.alternation();
    if (this.src[this.pos] !== ')') this.fail('unclosed "("', open);
    this.pos++;
    // A group may be repeated even when it holds only an assertion, as in RegExp.
    return inner.type === 'assert' ? { type: 'seq', items: [inner] } : inner;
  }

  private escape(): RegexNode {
    const at = this.pos;
    const c = this.src[at + 1];
    this.pos += 2;
    if (c === 'b' || c === 'B') return { type: 'assert', kind: c === 'b' ? 'word' : 'notWord' };
    const set = classEscape(c);
    if (set) return { type: 'set', ranges: set };
    return this.literal(this.escapedCodeUnit(c, at));
  }

  /** The code unit of an escape that stands for one character. */
  private escapedCodeUnit(c: string | undefined, at: number): number {
    if (c === undefined) return this.fail('the pattern ends with "\\"', at);
    if (Object.prototype.hasOwnProperty.call(CONTROL_ESCAPES, c)) return CONTROL_ESCAPES[c];
    if (c === '0' && !/[0-9]/.test(this.src[this.pos] ?? '')) return 0;
    if (/[1-9]/.test(c)) return this.fail('backreferences are not supported', at);
    if (c === 'k') return this.fail('named backreferences are not supported', at);
    if (c === 'p' || c === 'P') return this.fail('Unicode property escapes are not supported', at);
    if (c === 'x' || c === 'u') {
      const digits = c === 'x' ? 2 : 4;
      const hex = this.src.slice(this.pos, this.pos + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return this.fail(`"\\${c}" needs ${digits} hex digits`, at);
      this.pos += digits;
      return parseInt(hex, 16);
    }
    if (/[A-Za-z0-9]/.test(c)) return this.fail(`unknown escape "\\${c}"`, at);
    return c.charCodeAt(0);
  }

  private charClass(): RegexNode {
    const open = this.pos++;
    const negated = this.src[this.pos] === '^';
    if (negated) this.pos++;
    const ranges: number[] = [];
    while (this.src[this.pos] !== ']') {
      if (this.pos >= this.src.length) this.fail('unclosed "["', open);
      const low = this.classAtom();
      if (this.src[this.pos] === '-' && this.pos + 1 < this.src.length && this.src[this.pos + 1] !== ']') {
        const dash = this.pos++;
        const high = this.classAtom();
        if (typeof low !== 'number' || typeof high !== 'number') this.fail('a range cannot start or end with a class like \\d', dash);
        if (high < low) this.fail('range out of order in character class', dash);
        ranges.push(low, high);
      } else if (typeof low === 'number') {
        ranges.push(low, low);
      } else {
        ranges.push(...low);
      }
    }
    this.pos++;
    const set = this.ignoreCase ? foldAsciiCase(ranges) : normalize(ranges);
    return { type: 'set', ranges: negated ? negate(set) : set };
  }

  /** One class member: a code unit, or the ranges of a class escape. */
  private classAtom(): number | readonly number[] {
    const c = this.src[this.pos];
    if (c !== '\\') {
      this.pos++;
      return c.charCodeAt(0);
    }
    const at = this.pos;
    const e = this.src[at + 1];
    this.pos += 2;
    if (e === 'b') return 0x08;
    if (e === '-') return 0x2d;
    if (e === 'B') return this.fail('"\\B" is not allowed in a character class', at);
    return classEscape(e) ?? this.escapedCodeUnit(e, at);
  }

  private literal(code: number): RegexNode {
    return { type: 'set', ranges: this.ignoreCase ? foldAsciiCase([code, code]) : [code, code] };
  }
}

const CLASS_ESCAPES: Record<string, readonly number[]> = {
  d: DIGIT,
  D: negate(DIGIT),
  w: WORD,
  W: negate(WORD),
  s: SPACE,
  S: negate(SPACE),
};

function classEscape(c: string | undefined): readonly number[] | null {
  return c !== undefined && Object.prototype.hasOwnProperty.call(CLASS_ESCAPES, c) ? CLASS_ESCAPES[c] : null;
}

/** Sorted, merged, non-adjacent ranges. */
export function normalize(ranges: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i], ranges[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    if (out.length > 0 && lo <= out[out.length - 1] + 1) out[out.length - 1] = Math.max(out[out.length - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function negate(ranges: readonly number[]): number[] {
  const set = normalize(ranges);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i] > next) out.push(next, set[i] - 1);
    next = set[i + 1] + 1;
  }
  if (next <= MAX_CODE_UNIT) out.push(next, MAX_CODE_UNIT);
  return out;
}

/** `(?i)` folds ASCII letters only, which is what tool arguments mostly hold. */
function foldAsciiCase(ranges: readonly number[]): number[] {
  const out = [...ranges];
  for (let i = 0; i < ranges.length; i += 2) {
    addShifted(out, ranges[i], ranges[i + 1], 0x41, 0x5a, 0x20);
    addShifted(out, ranges[i], ranges[i + 1], 0x61, 0x7a, -0x20);
  }
  return normalize(out);
}

function addShifted(out: number[], lo: number, hi: number, from: number, to: number, shift: number): void {
  const a = Math.max(lo, from);
  const b = Math.min(hi, to);
  if (a <= b) out.push(a + shift, b + shift);
}
