import { describe, expect, it } from '@jest/globals';
import { compilePolicy } from './policy.compile.js';
import { dryRun } from './policy.dry-run.js';
import type { PolicyAction, PolicyRule } from './policy.types.js';

const policy = (id: string, rules: PolicyRule[], defaultAction: PolicyAction) => compilePolicy({ id, name: id, rules, default_action: defaultAction });

describe('dryRun', () => {
  const current = policy('current', [{ action: 'allow', connector: 'github' }], 'deny');
  const draft = policy(
    'draft',
    [
      { action: 'deny', connector: 'github', tool: 'delete_*' },
      { action: 'require_approval', connector: 'mail', when: [{ arg: 'to', op: 'matches', value: '@external\\.com$' }] },
      { action: 'allow', connector: 'github' },
    ],
    'deny',
  );

  it('compares the draft with the current policy for each sample', () => {
    const report = dryRun(draft, current, [
      { connector: 'github', tool: 'get_issue' },
      { connector: 'github', tool: 'delete_repo' },
      { connector: 'mail', tool: 'send', args: { to: 'a@external.com' } },
      { connector: 'mail', tool: 'send', args: { to: 'a@internal.com' } },
      { connector: 'mail', tool: 'send' },
    ]);
    expect(report.results.map((r) => [r.current.decision, r.draft.decision, r.changed])).toEqual([
      ['allow', 'allow', false],
      ['allow', 'deny', true],
      ['deny', 'require_approval', true],
      ['deny', 'deny', false],
      ['deny', 'undecidable', null],
    ]);
    expect(report.summary).toEqual({ total: 5, changed: 2, unchanged: 2, unknown: 1 });
    expect(report.results[1].draft).toMatchObject({ reason: 'matched rule 0 of policy "draft"', policyId: 'draft', ruleIndex: 0 });
  });

  it('knows a change happened when no undecided outcome can equal the other side', () => {
    const strict = policy('strict', [{ action: 'deny', when: [{ arg: 'x', op: 'exists' }] }, { action: 'require_approval' }], 'allow');
    const report = dryRun(strict, null, [{ connector: 'any', tool: 'thing' }]);
    expect(report.results[0]).toMatchObject({ current: { decision: 'allow', reason: 'no policy applies' }, draft: { decision: 'undecidable' }, changed: true });
  });

  it('answers an empty sample list with an empty report', () => {
    expect(dryRun(draft, null, [])).toEqual({ results: [], summary: { total: 0, changed: 0, unchanged: 0, unknown: 0 } });
  });
});
