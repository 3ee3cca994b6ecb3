import { globProblem } from './glob.js';
import { JsonPath } from './json-path.js';
import { isPlainObject, jsonProblem } from './json-value.js';
import { SafeRegex } from './safe-regex.js';
import {
  CONDITION_OPS,
  POLICY_ACTIONS,
  type Condition,
  type ConditionOp,
  type JsonValue,
  type PolicyAction,
  type PolicyProblem,
  type PolicyRule,
} from './policy.types.js';

export const POLICY_LIMITS = {
  rules: 1000,
  conditionsPerRule: 20,
  reasonLength: 500,
  inValues: 1000,
  valueDepth: 16,
} as const;

export type ValidatedPolicy = { rules: PolicyRule[]; default_action: PolicyAction };

const RULE_KEYS = ['action', 'connector', 'tool', 'agent', 'when', 'reason'];
const CONDITION_KEYS = ['arg', 'op', 'value'];

/**
 * Checks the rules and default action of a policy and returns clean copies.
 * Every problem is reported at once, each with its rule index, its path
 * (`rules[2].when[0].value`) and a message that starts with `rule 2:`.
 */
export function validatePolicyRules(
  rules: unknown,
  defaultAction: unknown,
): { ok: true; value: ValidatedPolicy } | { ok: false; errors: PolicyProblem[] } {
  const errors: PolicyProblem[] = [];
  if (!isAction(defaultAction)) {
    errors.push({ ruleIndex: null, path: 'default_action', message: `default_action must be one of ${POLICY_ACTIONS.join(', ')}${got(defaultAction)}` });
  }
  if (!Array.isArray(rules)) {
    errors.push({ ruleIndex: null, path: 'rules', message: 'rules must be an array of rules' });
    return { ok: false, errors };
  }
  if (rules.length > POLICY_LIMITS.rules) {
    errors.push({ ruleIndex: null, path: 'rules', message: `rules must have at most ${POLICY_LIMITS.rules} entries (got ${rules.length})` });
  }
  const clean = rules.map((rule: unknown, index) => validateRule(rule, index, errors));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { rules: clean as PolicyRule[], default_action: defaultAction as PolicyAction } };
}

function validateRule(raw: unknown, index: number, errors: PolicyProblem[]): PolicyRule | null {
  const report = (field: string, message: string): void => {
    errors.push({ ruleIndex: index, path: `rules[${index}]${field ? `.${field}` : ''}`, message: `rule ${index}: ${field ? `${field} ` : ''}${message}` });
  };
  if (!isPlainObject(raw)) {
    report('', 'must be an object with an action');
    return null;
  }
  for (const key of Object.keys(raw)) if (!RULE_KEYS.includes(key)) report(key, `is not a rule field (expected ${RULE_KEYS.join(', ')})`);
  if (!isAction(raw.action)) report('action', `must be one of ${POLICY_ACTIONS.join(', ')}${got(raw.action)}`);
  const rule: PolicyRule = { action: raw.action as PolicyAction };
  for (const field of ['connector', 'tool', 'agent'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    const problem = globProblem(value);
    if (problem) report(field, `${problem}${got(value)}`);
    else rule[field] = value as string;
  }
  if (raw.reason !== undefined) {
    if (typeof raw.reason !== 'string' || raw.reason.length === 0 || raw.reason.length > POLICY_LIMITS.reasonLength) {
      report('reason', `must be a string of 1 to ${POLICY_LIMITS.reasonLength} characters`);
    } else {
      rule.reason = raw.reason;
    }
  }
  if (raw.when !== undefined) {
    if (!Array.isArray(raw.when)) report('when', 'must be an array of conditions');
    else if (raw.when.length > POLICY_LIMITS.conditionsPerRule) report('when', `must have at most ${POLICY_LIMITS.conditionsPerRule} conditions`);
    else rule.when = raw.when.map((c: unknown, i) => validateCondition(c, `when[${i}]`, report));
  }
  return rule;
}

function validateCondition(raw: unknown, at: string, report: (field: string, message: string) => void): Condition {
  if (!isPlainObject(raw)) {
    report(at, 'must be an object {arg, op, value}');
    return { arg: '', op: 'exists' };
  }
  for (const key of Object.keys(raw)) if (!CONDITION_KEYS.includes(key)) report(`${at}.${key}`, `is not a condition field (expected ${CONDITION_KEYS.join(', ')})`);
  if (typeof raw.arg !== 'string') {
    report(`${at}.arg`, 'must be a JSON path string such as "$.to"');
  } else {
    const path = JsonPath.parse(raw.arg);
    if (!path.ok) report(`${at}.arg`, `is not a supported JSON path (${path.message})`);
  }
  if (!isOp(raw.op)) {
    report(`${at}.op`, `must be one of ${CONDITION_OPS.join(', ')}${got(raw.op)}`);
    return { arg: String(raw.arg), op: 'exists' };
  }
  const problem = valueProblem(raw.op, raw.value, Object.prototype.hasOwnProperty.call(raw, 'value'));
  if (problem) report(`${at}.value`, problem);
  const condition: Condition = { arg: raw.arg as string, op: raw.op };
  if (raw.value !== undefined) condition.value = raw.value as JsonValue;
  return condition;
}

/** What each operator needs of its `value`, or null when it has it. */
function valueProblem(op: ConditionOp, value: unknown, present: boolean): string | null {
  const json = present ? jsonProblem(value, POLICY_LIMITS.valueDepth) : null;
  switch (op) {
    case 'eq':
    case 'neq':
    case 'contains':
      if (!present || value === undefined) return `is required for "${op}"`;
      return json;
    case 'in':
      if (!Array.isArray(value)) return `must be an array of values for "in"${got(value)}`;
      if (value.length > POLICY_LIMITS.inValues) return `must have at most ${POLICY_LIMITS.inValues} values for "in"`;
      return json;
    case 'gt':
    case 'lt':
      return typeof value === 'number' && Number.isFinite(value) ? null : `must be a number for "${op}"${got(value)}`;
    case 'matches': {
      if (typeof value !== 'string') return `must be a regular expression string for "matches"${got(value)}`;
      const compiled = SafeRegex.compile(value);
      return compiled.ok ? null : `is not a supported regular expression: ${compiled.message}`;
    }
    case 'exists':
      return value === undefined || typeof value === 'boolean' ? null : `must be true or false for "exists" (false: the argument must be absent)${got(value)}`;
  }
}

function isAction(value: unknown): value is PolicyAction {
  return typeof value === 'string' && (POLICY_ACTIONS as readonly string[]).includes(value);
}

function isOp(value: unknown): value is ConditionOp {
  return typeof value === 'string' && (CONDITION_OPS as readonly string[]).includes(value);
}

function got(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return ` (got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean') return ` (got ${value})`;
  if (value === null) return ' (got null)';
  return ` (got ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`})`;
}
