import { jsonEquals } from './json-value.js';
import { JsonPath, MISSING } from './json-path.js';
import { SafeRegex } from './safe-regex.js';
import type { Condition, ConditionOp, JsonValue } from './policy.types.js';

type Primitive = string | number | boolean | null;

/**
 * A `when` condition, prepared once. Semantics on the argument the path
 * reads: a missing argument satisfies nothing but `exists: false`; no type
 * coercion (`"5"` is not greater than 4, `matches` only reads strings);
 * `contains` is a substring test on strings and an element test on arrays.
 */
export class CompiledCondition {
  readonly path: JsonPath;
  readonly op: ConditionOp;
  private readonly value: JsonValue;
  private readonly primitive: boolean;
  private readonly members: Set<Primitive> | null = null;
  private readonly compositeMembers: readonly JsonValue[] = [];
  private readonly regex: SafeRegex | null = null;
  private readonly expectPresent: boolean = true;

  constructor(condition: Condition) {
    const path = JsonPath.parse(condition.arg);
    if (!path.ok) throw new TypeError(`invalid path ${JSON.stringify(condition.arg)}: ${path.message}`);
    this.path = path.path;
    this.op = condition.op;
    this.value = condition.value ?? null;
    this.primitive = this.value === null || typeof this.value !== 'object';
    if (condition.op === 'in') {
      const options = Array.isArray(this.value) ? this.value : [];
      this.members = new Set(options.filter((v): v is Primitive => v === null || typeof v !== 'object'));
      this.compositeMembers = options.filter((v) => v !== null && typeof v === 'object');
    } else if (condition.op === 'matches') {
      const compiled = SafeRegex.compile(this.value);
      if (!compiled.ok) throw new TypeError(`invalid pattern: ${compiled.message}`);
      this.regex = compiled.regex;
    } else if (condition.op === 'exists') {
      this.expectPresent = condition.value !== false;
    }
  }

  holds(args: unknown): boolean {
    const actual = this.path.resolve(args);
    if (actual === MISSING) return this.op === 'exists' && !this.expectPresent;
    switch (this.op) {
      case 'eq':
        return this.equalsValue(actual);
      case 'neq':
        return !this.equalsValue(actual);
      case 'in':
        return this.isMember(actual);
      case 'matches':
        return typeof actual === 'string' && this.regex!.test(actual);
      case 'contains':
        return this.containsValue(actual);
      case 'gt':
        return typeof actual === 'number' && actual > (this.value as number);
      case 'lt':
        return typeof actual === 'number' && actual < (this.value as number);
      case 'exists':
        return this.expectPresent;
    }
  }

  private equalsValue(actual: unknown): boolean {
    return this.primitive ? actual === this.value : jsonEquals(actual, this.value);
  }

  private isMember(actual: unknown): boolean {
    if (actual === null || typeof actual !== 'object') return this.members!.has(actual as Primitive);
    for (const option of this.compositeMembers) if (jsonEquals(actual, option)) return true;
    return false;
  }

  private containsValue(actual: unknown): boolean {
    if (typeof actual === 'string') return typeof this.value === 'string' && actual.includes(this.value);
    if (!Array.isArray(actual)) return false;
    for (const item of actual as unknown[]) if (this.primitive ? item === this.value : jsonEquals(item, this.value)) return true;
    return false;
  }
}
