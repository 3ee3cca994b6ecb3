import type { CompiledPolicy } from './policy.compile.js';
import type { ArgumentFreeVerdict, PolicyAction, ToolCall, Verdict } from './policy.types.js';

export const NO_POLICY_VERDICT: Verdict = Object.freeze({ decision: 'allow', reason: 'no policy applies', policyId: null, ruleIndex: null });

/**
 * First matching rule wins, else the default action; no policy allows (SPEC
 * §3). Returns one of the policy's prebuilt, frozen verdicts: the hot path
 * allocates nothing unless a condition has to compare composite values.
 */
export function evaluate(policy: CompiledPolicy | null, call: ToolCall): Verdict {
  if (policy === null) return NO_POLICY_VERDICT;
  const rules = policy.rules;
  const args = call.args;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.targets(call) && rule.conditionsHold(args)) return rule.verdict;
  }
  return policy.defaultVerdict;
}

/**
 * Evaluation for calls whose arguments were never recorded (audit entries,
 * SPEC §4), used by dry runs. A rule with conditions might or might not
 * match, so every decision reachable that way is collected; only if they all
 * agree is the outcome known.
 */
export function evaluateWithoutArgs(policy: CompiledPolicy | null, call: Omit<ToolCall, 'args'>): ArgumentFreeVerdict {
  if (policy === null) return decided(NO_POLICY_VERDICT);
  const possible = new Set<PolicyAction>();
  const conditional: number[] = [];
  let final: Verdict = policy.defaultVerdict;
  for (const rule of policy.rules) {
    if (!rule.targets(call)) continue;
    possible.add(rule.action);
    if (rule.conditions === null) {
      final = rule.verdict;
      break;
    }
    conditional.push(rule.index);
  }
  possible.add(final.decision);
  if (conditional.length === 0) return decided(final);
  const name = JSON.stringify(policy.name);
  if (possible.size === 1) {
    return {
      decision: final.decision,
      reason: `every rule of policy ${name} that could match decides ${final.decision}; the arguments do not matter`,
      policyId: policy.id,
      ruleIndex: null,
      possible: [final.decision],
    };
  }
  return {
    decision: 'undecidable',
    reason: `rule ${conditional[0]} of policy ${name} has conditions on arguments, which were not recorded; possible decisions: ${[...possible].join(', ')}`,
    policyId: policy.id,
    ruleIndex: conditional[0],
    possible: [...possible],
  };
}

function decided(verdict: Verdict): ArgumentFreeVerdict {
  return { ...verdict, possible: [verdict.decision] };
}
