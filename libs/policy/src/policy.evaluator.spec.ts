import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compilePolicy, InvalidPolicyError, type CompiledPolicy } from './policy.compile.js';
import { evaluate, evaluateWithoutArgs, NO_POLICY_VERDICT } from './policy.evaluator.js';
import type { Condition, JsonValue, PolicyAction, PolicyRule, ToolCall } from './policy.types.js';

const policy = (rules: PolicyRule[], defaultAction: PolicyAction = 'deny', name = 'default'): CompiledPolicy =>
  compilePolicy({ id: 'pol_1', name, rules, default_action: defaultAction });

const call = (overrides: Partial<ToolCall> = {}): ToolCall => ({ connector: 'demo', tool: 'send_email', ...overrides });

/** The decision of a one-condition allow rule over a deny default. */
function holds(condition: Condition, args: unknown): boolean {
  return evaluate(policy([{ action: 'allow', when: [condition] }]), call({ args })).decision === 'allow';
}

describe('evaluate', () => {
  it('answers like the seed: reason names the rule index and the policy in quotes', () => {
    expect(evaluate(policy([{ action: 'allow', connector: 'demo', tool: 'send_email' }]), call({ args: { to: 'someone@example.com' } }))).toEqual({
      decision: 'allow',
      reason: 'matched rule 0 of policy "default"',
      policyId: 'pol_1',
      ruleIndex: 0,
    });
  });

  it('falls back to the default action with its own reason', () => {
    expect(evaluate(policy([{ action: 'allow', tool: 'read_*' }], 'require_approval', 'prod'), call())).toEqual({
      decision: 'require_approval',
      reason: 'no rule matched; default action of policy "prod"',
      policyId: 'pol_1',
      ruleIndex: null,
    });
  });

  it('allows when no policy applies', () => {
    expect(evaluate(null, call())).toEqual({ decision: 'allow', reason: 'no policy applies', policyId: null, ruleIndex: null });
    expect(evaluate(null, call())).toBe(NO_POLICY_VERDICT);
  });

  it('appends the rule reason, and escapes the policy name', () => {
    const p = policy([{ action: 'deny', tool: 'delete_*', reason: 'deletions need a ticket' }], 'allow', 'the "strict" one');
    expect(evaluate(p, call({ tool: 'delete_repo' })).reason).toBe('matched rule 0 of policy "the \\"strict\\" one": deletions need a ticket');
  });

  it('lets the first matching rule win', () => {
    const p = policy([
      { action: 'require_approval', tool: 'send_*', when: [{ arg: 'to', op: 'matches', value: '@external\\.com$' }] },
      { action: 'deny', connector: 'demo', tool: 'send_email' },
      { action: 'allow', tool: '*' },
    ]);
    expect(evaluate(p, call({ args: { to: 'x@external.com' } })).ruleIndex).toBe(0);
    expect(evaluate(p, call({ args: { to: 'x@internal.com' } })).ruleIndex).toBe(1);
    expect(evaluate(p, call({ tool: 'list' })).ruleIndex).toBe(2);
  });

  it.each([
    ['*', 'anything', true],
    ['db-*', 'db-prod', true],
    ['db-*', 'files', false],
    ['db-?', 'db-1', true],
    ['db-?', 'db-12', false],
    ['files', 'files', true],
    ['files', 'files2', false],
  ])('matches connector glob %s against %s: %s', (glob, connector, expected) => {
    expect(evaluate(policy([{ action: 'allow', connector: glob }]), call({ connector })).decision).toBe(expected ? 'allow' : 'deny');
  });

  it('requires connector, tool and agent to match together', () => {
    const p = policy([{ action: 'allow', connector: 'github', tool: 'get_*', agent: 'ci-*' }]);
    const agent = { id: 'agent_01', name: 'ci-bot' };
    expect(evaluate(p, { connector: 'github', tool: 'get_issue', agent }).decision).toBe('allow');
    expect(evaluate(p, { connector: 'gitlab', tool: 'get_issue', agent }).decision).toBe('deny');
    expect(evaluate(p, { connector: 'github', tool: 'create_issue', agent }).decision).toBe('deny');
    expect(evaluate(p, { connector: 'github', tool: 'get_issue', agent: { id: 'agent_02', name: 'release' } }).decision).toBe('deny');
  });

  it('matches agents by id or by name, and never when the call has no agent', () => {
    const byId = policy([{ action: 'allow', agent: 'agent_01j9x8k2m3n4p5q6r7s8t9u0v1' }]);
    const byName = policy([{ action: 'allow', agent: 'support-*' }]);
    const agent = { id: 'agent_01j9x8k2m3n4p5q6r7s8t9u0v1', name: 'support-triage' };
    expect(evaluate(byId, call({ agent })).decision).toBe('allow');
    expect(evaluate(byName, call({ agent })).decision).toBe('allow');
    expect(evaluate(byName, call({ agent: { id: 'agent_2', name: 'sales' } })).decision).toBe('deny');
    expect(evaluate(byName, call({ agent: null })).decision).toBe('deny');
    expect(evaluate(byName, call()).decision).toBe('deny');
    expect(evaluate(policy([{ action: 'allow', agent: '*' }]), call()).decision).toBe('deny');
  });

  it('needs every condition of a rule to hold', () => {
    const p = policy([
      {
        action: 'allow',
        when: [
          { arg: '$.to', op: 'matches', value: '@example\\.com$' },
          { arg: '$.attachments', op: 'exists', value: false },
        ],
      },
    ]);
    expect(evaluate(p, call({ args: { to: 'a@example.com' } })).decision).toBe('allow');
    expect(evaluate(p, call({ args: { to: 'a@example.com', attachments: [] } })).decision).toBe('deny');
    expect(evaluate(p, call({ args: { to: 'a@evil.com' } })).decision).toBe('deny');
  });
});

describe('condition operators', () => {
  const args = {
    to: 'ops@example.com',
    count: 3,
    amount: 99.5,
    flag: false,
    none: null,
    tags: ['urgent', 'billing', 7, { k: 1 }],
    recipient: { name: 'Ops', domains: ['example.com'] },
    items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-2', qty: 10 }],
  };

  it.each<[Condition, boolean]>([
    [{ arg: '$.to', op: 'eq', value: 'ops@example.com' }, true],
    [{ arg: 'to', op: 'eq', value: 'OPS@example.com' }, false],
    [{ arg: 'count', op: 'eq', value: 3 }, true],
    [{ arg: 'count', op: 'eq', value: '3' }, false],
    [{ arg: 'flag', op: 'eq', value: false }, true],
    [{ arg: 'none', op: 'eq', value: null }, true],
    [{ arg: 'recipient', op: 'eq', value: { domains: ['example.com'], name: 'Ops' } }, true],
    [{ arg: 'recipient', op: 'eq', value: { name: 'Ops' } }, false],
    [{ arg: 'tags', op: 'eq', value: ['urgent', 'billing', 7, { k: 1 }] }, true],
    [{ arg: 'to', op: 'neq', value: 'x' }, true],
    [{ arg: 'to', op: 'neq', value: 'ops@example.com' }, false],
    [{ arg: 'recipient', op: 'neq', value: { name: 'Other' } }, true],
    [{ arg: 'count', op: 'in', value: [1, 2, 3] }, true],
    [{ arg: 'count', op: 'in', value: ['3'] }, false],
    [{ arg: 'none', op: 'in', value: [null] }, true],
    [{ arg: 'recipient.domains', op: 'in', value: [['example.com'], ['other.com']] }, true],
    [{ arg: 'to', op: 'in', value: [] }, false],
    [{ arg: 'to', op: 'matches', value: '^ops@' }, true],
    [{ arg: 'to', op: 'matches', value: '(?i)^OPS@EXAMPLE\\.COM$' }, true],
    [{ arg: 'count', op: 'matches', value: '3' }, false],
    [{ arg: 'to', op: 'contains', value: '@example' }, true],
    [{ arg: 'to', op: 'contains', value: 'evil' }, false],
    [{ arg: 'tags', op: 'contains', value: 'billing' }, true],
    [{ arg: 'tags', op: 'contains', value: 7 }, true],
    [{ arg: 'tags', op: 'contains', value: { k: 1 } }, true],
    [{ arg: 'tags', op: 'contains', value: 'bill' }, false],
    [{ arg: 'count', op: 'contains', value: 3 }, false],
    [{ arg: 'recipient', op: 'contains', value: 'name' }, false],
    [{ arg: 'amount', op: 'gt', value: 99 }, true],
    [{ arg: 'amount', op: 'gt', value: 99.5 }, false],
    [{ arg: 'amount', op: 'lt', value: 100 }, true],
    [{ arg: 'count', op: 'lt', value: -1 }, false],
    [{ arg: 'to', op: 'gt', value: 0 }, false],
    [{ arg: 'to', op: 'exists' }, true],
    [{ arg: 'none', op: 'exists' }, true],
    [{ arg: 'absent', op: 'exists' }, false],
    [{ arg: 'absent', op: 'exists', value: true }, false],
    [{ arg: 'absent', op: 'exists', value: false }, true],
    [{ arg: 'to', op: 'exists', value: false }, false],
    [{ arg: 'items[1].qty', op: 'gt', value: 5 }, true],
    [{ arg: '$.items[0].sku', op: 'matches', value: '^[A-Z]-\\d$' }, true],
    [{ arg: "$['recipient']['domains'][0]", op: 'eq', value: 'example.com' }, true],
    [{ arg: 'items[5].qty', op: 'lt', value: 100 }, false],
  ])('%j is %s', (condition, expected) => {
    expect(holds(condition, args)).toBe(expected);
  });

  it.each<Condition>([
    { arg: 'to', op: 'eq', value: 'x' },
    { arg: 'to', op: 'neq', value: 'x' },
    { arg: 'to', op: 'in', value: ['x'] },
    { arg: 'to', op: 'matches', value: '.*' },
    { arg: 'to', op: 'contains', value: '' },
    { arg: 'n', op: 'gt', value: -1e9 },
    { arg: 'n', op: 'lt', value: 1e9 },
    { arg: 'to', op: 'exists' },
  ])('a missing argument satisfies %j only if it is exists:false', (condition) => {
    for (const args of [undefined, null, {}, 'text', [1, 2]]) expect(holds(condition, args)).toBe(false);
    expect(holds({ ...condition, op: 'exists', value: false }, undefined)).toBe(true);
  });
});

describe('evaluate on arbitrary input', () => {
  const p = policy([
    { action: 'deny', when: [{ arg: '$.a.b[0]', op: 'eq', value: { x: [1, 2] } }] },
    { action: 'deny', when: [{ arg: 'a', op: 'in', value: [1, 'a', null, [1], { y: true }] }] },
    { action: 'require_approval', when: [{ arg: 'a', op: 'matches', value: '^(a|b)+c?$' }] },
    { action: 'require_approval', when: [{ arg: 'a', op: 'contains', value: { k: null } }] },
    { action: 'allow', when: [{ arg: '$[0]', op: 'gt', value: 1 }, { arg: 'a[1]', op: 'exists', value: false }] },
    { action: 'allow', when: [{ arg: 'a', op: 'neq', value: [] }] },
  ]);

  it('never throws and always answers with one of the actions', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.string(), (args, connector, tool) => {
        const verdict = evaluate(p, { connector, tool, args });
        expect(['allow', 'deny', 'require_approval']).toContain(verdict.decision);
      }),
      { numRuns: 2000 },
    );
  });

  it('also on values that are not JSON', () => {
    fc.assert(fc.property(fc.anything({ withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true }), (args) => void evaluate(p, call({ args: { a: args } }))));
  });

  it('is deterministic and allocates no new verdicts', () => {
    fc.assert(
      fc.property(fc.jsonValue() as fc.Arbitrary<JsonValue>, (args) => {
        expect(evaluate(p, call({ args }))).toBe(evaluate(p, call({ args })));
      }),
    );
  });
});

describe('evaluateWithoutArgs', () => {
  it('decides as evaluate does when no rule needs the arguments', () => {
    const p = policy([{ action: 'allow', tool: 'read_*' }, { action: 'deny', tool: 'delete_*', when: [{ arg: 'force', op: 'eq', value: true }] }]);
    expect(evaluateWithoutArgs(p, call({ tool: 'read_file' }))).toEqual({ ...evaluate(p, call({ tool: 'read_file' })), possible: ['allow'] });
    expect(evaluateWithoutArgs(null, call())).toEqual({ ...NO_POLICY_VERDICT, possible: ['allow'] });
  });

  it('is undecidable when a condition could change the outcome', () => {
    const p = policy([{ action: 'allow', tool: 'read_*' }, { action: 'require_approval', tool: 'send_*', when: [{ arg: 'to', op: 'matches', value: '@ext' }] }], 'deny');
    expect(evaluateWithoutArgs(p, call())).toEqual({
      decision: 'undecidable',
      reason: 'rule 1 of policy "default" has conditions on arguments, which were not recorded; possible decisions: require_approval, deny',
      policyId: 'pol_1',
      ruleIndex: 1,
      possible: ['require_approval', 'deny'],
    });
  });

  it('is decided when every reachable outcome agrees', () => {
    const p = policy([{ action: 'deny', when: [{ arg: 'x', op: 'exists' }] }, { action: 'deny', tool: 'send_*' }, { action: 'allow' }]);
    expect(evaluateWithoutArgs(p, call())).toMatchObject({ decision: 'deny', ruleIndex: null, possible: ['deny'] });
    expect(evaluateWithoutArgs(p, call({ tool: 'list' }))).toMatchObject({ decision: 'undecidable', possible: ['deny', 'allow'] });
  });
});

describe('compilePolicy', () => {
  it('refuses an invalid document with every problem', () => {
    const bad = { id: 'pol_bad', name: 'bad', rules: [{ action: 'maybe' }] as unknown as PolicyRule[], default_action: 'deny' as const };
    expect(() => compilePolicy(bad)).toThrow(InvalidPolicyError);
    try {
      compilePolicy(bad);
    } catch (error) {
      expect((error as InvalidPolicyError).problems).toEqual([
        { ruleIndex: 0, path: 'rules[0].action', message: 'rule 0: action must be one of allow, deny, require_approval (got "maybe")' },
      ]);
    }
  });

  it('freezes what it builds', () => {
    const p = policy([{ action: 'allow' }]);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.rules[0].verdict)).toBe(true);
    expect(Object.isFrozen(p.defaultVerdict)).toBe(true);
  });
});
