import { parseRegex, RegexSyntaxError, type AssertKind, type RegexNode } from './safe-regex.parser.js';

/**
 * Regular expressions for `matches`, run in time linear in the input.
 *
 * There is no RE2 binding here and V8's linear engine is behind a flag, so
 * this is a small Thompson-NFA simulation (Pike VM without captures) over a
 * JavaScript-compatible subset: literals and escapes (`\d \w \s \D \W \S \t
 * \n \r \xHH \uHHHH`), `.`, classes `[a-z]`/`[^…]`, groups `(…)`/`(?:…)`,
 * `|`, `* + ? {n} {n,} {n,m}` (lazy forms accepted), anchors `^ $` (of the
 * whole string) and `\b \B`, and a leading `(?i)` that folds ASCII case.
 * Backreferences and lookaround are refused: no linear engine can run them.
 * Matching is a search (like RegExp#test) over UTF-16 code units.
 */
export const SAFE_REGEX_MAX_LENGTH = 256;
/** Bounds both the memory of a compiled pattern and the work per input character. */
export const SAFE_REGEX_MAX_STATES = 2000;

const enum Op {
  Char,
  Split,
  Jump,
  Assert,
  Match,
}

const ASSERT_CODES: Record<AssertKind, number> = { start: 0, end: 1, word: 2, notWord: 3 };

export type SafeRegexResult = { ok: true; regex: SafeRegex } | { ok: false; message: string };

export class SafeRegex {
  private readonly ops: Uint8Array;
  private readonly arg1: Int32Array;
  private readonly arg2: Int32Array;
  /** Per Char state: a 128-bit ASCII bitmap, and ranges for the rest. */
  private readonly ascii: Uint32Array;
  private readonly ranges: (Uint16Array | null)[];
  private readonly anchored: boolean;
  /**
   * Code units a match can begin with (ASCII bitmap, plus "any non-ASCII"),
   * or null when a match can be empty; lets `test` skip ahead while no
   * thread is alive instead of stepping the machine over every character.
   */
  private readonly firstAscii: Uint32Array | null;
  private readonly firstNonAscii: boolean;
  // Scratch space, reused by every `test` (JavaScript runs one at a time).
  private readonly current: Int32Array;
  private readonly next: Int32Array;
  private readonly stack: Int32Array;
  private readonly marks: Int32Array;
  private generation = 0;

  private constructor(
    readonly source: string,
    program: Program,
  ) {
    const size = program.ops.length;
    this.ops = Uint8Array.from(program.ops);
    this.arg1 = Int32Array.from(program.arg1);
    this.arg2 = Int32Array.from(program.arg2);
    this.ascii = new Uint32Array(size * 4);
    this.ranges = program.sets.map((set, pc) => (set === null ? null : this.storeSet(pc, set)));
    this.anchored = program.anchored;
    const first = this.firstChars();
    this.firstAscii = first?.ascii ?? null;
    this.firstNonAscii = first?.nonAscii ?? true;
    this.current = new Int32Array(size);
    this.next = new Int32Array(size);
    this.stack = new Int32Array(2 * size + 2);
    this.marks = new Int32Array(size);
  }

  static compile(source: unknown): SafeRegexResult {
    if (typeof source !== 'string') return { ok: false, message: 'must be a regular expression string' };
    if (source.length > SAFE_REGEX_MAX_LENGTH) return { ok: false, message: `must be at most ${SAFE_REGEX_MAX_LENGTH} characters` };
    try {
      const parsed = parseRegex(source);
      return { ok: true, regex: new SafeRegex(source, compileProgram(parsed.node)) };
    } catch (error) {
      if (error instanceof RegexSyntaxError) return { ok: false, message: error.message };
      throw error;
    }
  }

  /** Whether the pattern matches somewhere in `input`; O(input × states). */
  test(input: string): boolean {
    const n = input.length;
    let list = this.current;
    let other = this.next;
    let count = 0;
    this.nextGeneration();
    for (let pos = 0; ; pos++) {
      if (count === 0 && !this.anchored) {
        const candidate = this.skipToCandidate(input, pos);
        // Marks belong to one position; states marked where we came from must be visitable again.
        if (candidate !== pos) this.nextGeneration();
        pos = candidate;
      }
      if (pos === 0 || !this.anchored) {
        count = this.follow(list, count, 0, input, pos);
        if (count < 0) return true;
      }
      if (pos === n || (count === 0 && this.anchored)) return false;
      const c = input.charCodeAt(pos);
      this.nextGeneration();
      let nextCount = 0;
      for (let i = 0; i < count; i++) {
        const pc = list[i];
        if (this.accepts(pc, c)) {
          nextCount = this.follow(other, nextCount, pc + 1, input, pos + 1);
          if (nextCount < 0) return true;
        }
      }
      const swap = list;
      list = other;
      other = swap;
      count = nextCount;
    }
  }

  /**
   * Adds the Char states reachable from `start` without reading input to
   * `list`; returns the new length, or -1 when Match is reachable.
   */
  private follow(list: Int32Array, count: number, start: number, input: string, pos: number): number {
    const { ops, arg1, arg2, stack, marks, generation } = this;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const pc = stack[--top];
      if (marks[pc] === generation) continue;
      marks[pc] = generation;
      switch (ops[pc] as Op) {
        case Op.Char:
          list[count++] = pc;
          break;
        case Op.Jump:
          stack[top++] = arg1[pc];
          break;
        case Op.Split:
          stack[top++] = arg2[pc];
          stack[top++] = arg1[pc];
          break;
        case Op.Assert:
          if (holds(arg1[pc], input, pos)) stack[top++] = pc + 1;
          break;
        case Op.Match:
          return -1;
      }
    }
    return count;
  }

  private skipToCandidate(input: string, pos: number): number {
    const first = this.firstAscii;
    if (first === null) return pos;
    const n = input.length;
    while (pos < n) {
      const c = input.charCodeAt(pos);
      if (c < 128 ? (first[c >>> 5] & (1 << (c & 31))) !== 0 : this.firstNonAscii) return pos;
      pos++;
    }
    return pos;
  }

  /** The union of the Char states reachable from the start, with assertions taken as passable. */
  private firstChars(): { ascii: Uint32Array; nonAscii: boolean } | null {
    const ascii = new Uint32Array(4);
    let nonAscii = false;
    const seen = new Set<number>();
    const pending = [0];
    while (pending.length > 0) {
      const pc = pending.pop()!;
      if (seen.has(pc)) continue;
      seen.add(pc);
      switch (this.ops[pc] as Op) {
        case Op.Match:
          return null;
        case Op.Char:
          for (let w = 0; w < 4; w++) ascii[w] |= this.ascii[pc * 4 + w];
          nonAscii ||= this.ranges[pc] !== null;
          break;
        case Op.Jump:
          pending.push(this.arg1[pc]);
          break;
        case Op.Split:
          pending.push(this.arg1[pc], this.arg2[pc]);
          break;
        case Op.Assert:
          pending.push(pc + 1);
          break;
      }
    }
    return { ascii, nonAscii };
  }

  private accepts(pc: number, c: number): boolean {
    if (c < 128) return (this.ascii[pc * 4 + (c >>> 5)] & (1 << (c & 31))) !== 0;
    const ranges = this.ranges[pc];
    if (ranges === null) return false;
    for (let i = 0; i < ranges.length; i += 2) {
      if (c < ranges[i]) return false;
      if (c <= ranges[i + 1]) return true;
    }
    return false;
  }

  private storeSet(pc: number, set: readonly number[]): Uint16Array | null {
    const rest: number[] = [];
    for (let i = 0; i < set.length; i += 2) {
      for (let c = set[i]; c <= Math.min(set[i + 1], 127); c++) this.ascii[pc * 4 + (c >>> 5)] |= 1 << (c & 31);
      if (set[i + 1] >= 128) rest.push(Math.max(set[i], 128), set[i + 1]);
    }
    return rest.length > 0 ? Uint16Array.from(rest) : null;
  }

  private nextGeneration(): void {
    if (this.generation === 0x3fffffff) {
      this.marks.fill(0);
      this.generation = 0;
    }
    this.generation++;
  }
}

function isWordChar(input: string, pos: number): boolean {
  if (pos < 0 || pos >= input.length) return false;
  const c = input.charCodeAt(pos);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function holds(kind: number, input: string, pos: number): boolean {
  switch (kind) {
    case ASSERT_CODES.start:
      return pos === 0;
    case ASSERT_CODES.end:
      return pos === input.length;
    case ASSERT_CODES.word:
      return isWordChar(input, pos - 1) !== isWordChar(input, pos);
    default:
      return isWordChar(input, pos - 1) === isWordChar(input, pos);
  }
}

interface Program {
  ops: Op[];
  arg1: number[];
  arg2: number[];
  sets: (readonly number[] | null)[];
  anchored: boolean;
}

function compileProgram(root: RegexNode): Program {
  const program: Program = { ops: [], arg1: [], arg2: [], sets: [], anchored: startsAnchored(root) };
  const emit = (op: Op, a = 0, b = 0, set: readonly number[] | null = null): number => {
    if (program.ops.length >= SAFE_REGEX_MAX_STATES) {
      throw new RegexSyntaxError(`pattern is too complex (more than ${SAFE_REGEX_MAX_STATES} states once repetitions are expanded)`);
    }
    program.ops.push(op);
    program.arg1.push(a);
    program.arg2.push(b);
    program.sets.push(set);
    return program.ops.length - 1;
  };
  const patch = (pc: number, a: number, b = program.arg2[pc]): void => {
    program.arg1[pc] = a;
    program.arg2[pc] = b;
  };

  const node = (n: RegexNode): void => {
    switch (n.type) {
      case 'set':
        emit(Op.Char, 0, 0, n.ranges);
        return;
      case 'assert':
        emit(Op.Assert, ASSERT_CODES[n.kind]);
        return;
      case 'seq':
        n.items.forEach(node);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.options.forEach((option, i) => {
          const split = i < n.options.length - 1 ? emit(Op.Split) : -1;
          node(option);
          if (split >= 0) {
            jumps.push(emit(Op.Jump));
            patch(split, split + 1, program.ops.length);
          }
        });
        for (const jump of jumps) patch(jump, program.ops.length);
        return;
      }
      case 'repeat':
        repeat(n.node, n.min, n.max);
        return;
    }
  };

  const repeat = (body: RegexNode, min: number, max: number): void => {
    for (let i = 0; i < min; i++) node(body);
    if (max === Infinity) {
      const split = emit(Op.Split);
      node(body);
      emit(Op.Jump, split);
      patch(split, split + 1, program.ops.length);
      return;
    }
    for (let i = min; i < max; i++) {
      const split = emit(Op.Split);
      node(body);
      patch(split, split + 1, program.ops.length);
    }
  };

  node(root);
  emit(Op.Match);
  return program;
}

function startsAnchored(n: RegexNode): boolean {
  if (n.type === 'assert') return n.kind === 'start';
  if (n.type === 'seq') return n.items.length > 0 && startsAnchored(n.items[0]);
  if (n.type === 'alt') return n.options.every(startsAnchored);
  return false;
}
