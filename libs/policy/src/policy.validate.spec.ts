import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validatePolicyRules } from './policy.validate.js';
import type { PolicyProblem } from './policy.types.js';

function problems(rules: unknown, defaultAction: unknown = 'deny'): PolicyProblem[] {
  const result = validatePolicyRules(rules, defaultAction);
  if (result.ok) throw new Error('expected the policy to be invalid');
  return result.errors;
}

describe('validatePolicyRules', () => {
  it('accepts the full language and returns clean copies', () => {
    const rules = [
      { action: 'allow', connector: 'demo', tool: 'send_*', agent: 'agent_01', reason: 'demo mail' },
      {
        action: 'require_approval',
        when: [
          { arg: '$.to', op: 'matches', value: '@external\\.com$' },
          { arg: 'amount', op: 'gt', value: 100 },
          { arg: 'amount', op: 'lt', value: 1e6 },
          { arg: 'items[0].name', op: 'in', value: ['a', 'b'] },
          { arg: 'cc', op: 'exists', value: false },
          { arg: 'body', op: 'contains', value: 'invoice' },
          { arg: 'kind', op: 'neq', value: null },
          { arg: 'meta', op: 'eq', value: { a: [1] } },
        ],
      },
      { action: 'deny' },
    ];
    const result = validatePolicyRules(rules, 'allow');
    expect(result).toEqual({ ok: true, value: { rules, default_action: 'allow' } });
    if (result.ok) expect(result.value.rules[0]).not.toBe(rules[0]);
  });

  it('accepts an empty rule list', () => {
    expect(validatePolicyRules([], 'deny')).toEqual({ ok: true, value: { rules: [], default_action: 'deny' } });
  });

  it.each<[unknown, string, string]>([
    [{ action: 'block' }, 'rules[0].action', 'rule 0: action must be one of allow, deny, require_approval (got "block")'],
    [{}, 'rules[0].action', 'rule 0: action must be one of allow, deny, require_approval'],
    ['deny', 'rules[0]', 'rule 0: must be an object with an action'],
    [{ action: 'deny', tool: 'db-[12]' }, 'rules[0].tool', 'rule 0: tool supports only "*" and "?"; "[", "]", "{", "}" and "\\" are not allowed (got "db-[12]")'],
    [{ action: 'deny', connector: '' }, 'rules[0].connector', 'rule 0: connector must be a non-empty glob string (got "")'],
    [{ action: 'deny', agent: 7 }, 'rules[0].agent', 'rule 0: agent must be a non-empty glob string (got 7)'],
    [{ action: 'deny', reason: '' }, 'rules[0].reason', 'rule 0: reason must be a string of 1 to 500 characters'],
    [{ action: 'deny', priority: 1 }, 'rules[0].priority', 'rule 0: priority is not a rule field (expected action, connector, tool, agent, when, reason)'],
    [{ action: 'deny', when: {} }, 'rules[0].when', 'rule 0: when must be an array of conditions'],
    [{ action: 'deny', when: ['x'] }, 'rules[0].when[0]', 'rule 0: when[0] must be an object {arg, op, value}'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'like', value: 'x' }] }, 'rules[0].when[0].op', 'rule 0: when[0].op must be one of eq, neq, in, matches, contains, gt, lt, exists (got "like")'],
    [{ action: 'deny', when: [{ arg: '$..to', op: 'exists' }] }, 'rules[0].when[0].arg', 'rule 0: when[0].arg is not a supported JSON path (recursive descent ("..") is not supported; write the full path)'],
    [{ action: 'deny', when: [{ arg: 5, op: 'exists' }] }, 'rules[0].when[0].arg', 'rule 0: when[0].arg must be a JSON path string such as "$.to"'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'in', value: 'a' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value must be an array of values for "in" (got "a")'],
    [{ action: 'deny', when: [{ arg: 'n', op: 'gt', value: '5' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value must be a number for "gt" (got "5")'],
    [{ action: 'deny', when: [{ arg: 'n', op: 'lt' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value must be a number for "lt"'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'eq' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value is required for "eq"'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'contains' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value is required for "contains"'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'exists', value: 'yes' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value must be true or false for "exists" (false: the argument must be absent) (got "yes")'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'matches', value: '(a+)\\1' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value is not a supported regular expression: backreferences are not supported at position 4'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'matches', value: '(?=x)' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value is not a supported regular expression: lookahead and lookbehind are not supported at position 0'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'matches', value: '[a-' }] }, 'rules[0].when[0].value', 'rule 0: when[0].value is not a supported regular expression: unclosed "[" at position 0'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'matches', value: 'a'.repeat(257) }] }, 'rules[0].when[0].value', 'rule 0: when[0].value is not a supported regular expression: must be at most 256 characters'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'matches', value: 1 }] }, 'rules[0].when[0].value', 'rule 0: when[0].value must be a regular expression string for "matches" (got 1)'],
    [{ action: 'deny', when: [{ arg: 'to', op: 'eq', value: 'x', extra: 1 }] }, 'rules[0].when[0].extra', 'rule 0: when[0].extra is not a condition field (expected arg, op, value)'],
  ])('reports %j at %s', (rule, path, message) => {
    expect(problems([rule])).toContainEqual({ ruleIndex: 0, path, message });
  });

  it('names the index of the rule at fault, among valid ones', () => {
    const errors = problems([{ action: 'allow' }, { action: 'deny' }, { action: 'deny', when: [{ arg: 'x', op: 'gt', value: 'big' }] }, { action: 'nope' }]);
    expect(errors.map((e) => [e.ruleIndex, e.path])).toEqual([
      [2, 'rules[2].when[0].value'],
      [3, 'rules[3].action'],
    ]);
    expect(errors.every((e) => e.message.startsWith(`rule ${e.ruleIndex}: `))).toBe(true);
  });

  it('reports problems of the whole policy with a null rule index', () => {
    expect(problems('all', 'maybe')).toEqual([
      { ruleIndex: null, path: 'default_action', message: 'default_action must be one of allow, deny, require_approval (got "maybe")' },
      { ruleIndex: null, path: 'rules', message: 'rules must be an array of rules' },
    ]);
    expect(problems(Array.from({ length: 1001 }, () => ({ action: 'allow' })))).toEqual([
      { ruleIndex: null, path: 'rules', message: 'rules must have at most 1000 entries (got 1001)' },
    ]);
  });

  it('refuses values that are not JSON or nest too deeply', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(problems([{ action: 'deny', when: [{ arg: 'x', op: 'eq', value: deep }] }])[0].message).toBe('rule 0: when[0].value is nested too deeply');
    expect(problems([{ action: 'deny', when: [{ arg: 'x', op: 'in', value: [Number.NaN] }] }])[0].message).toBe('rule 0: when[0].value must be a finite number');
    expect(problems([{ action: 'deny', when: Array.from({ length: 21 }, () => ({ arg: 'x', op: 'exists' })) }])[0].message).toBe(
      'rule 0: when must have at most 20 conditions',
    );
  });

  it('never throws, whatever it is given', () => {
    fc.assert(fc.property(fc.anything(), fc.anything(), (rules, defaultAction) => void validatePolicyRules(rules, defaultAction)));
    fc.assert(
      fc.property(fc.array(fc.record({ action: fc.anything(), when: fc.array(fc.record({ arg: fc.string(), op: fc.constantFrom('eq', 'matches', 'in', 'gt'), value: fc.anything() })) })), (rules) =>
        void validatePolicyRules(rules, 'deny'),
      ),
    );
  });
});
