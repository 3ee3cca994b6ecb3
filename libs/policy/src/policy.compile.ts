import { CompiledCondition } from './condition.js';
import { Glob } from './glob.js';
import { validatePolicyRules } from './policy.validate.js';
import type { PolicyAction, PolicyDocument, PolicyProblem, PolicyRule, ToolCall, Verdict } from './policy.types.js';

export class InvalidPolicyError extends Error {
  constructor(
    readonly policyId: string,
    readonly problems: PolicyProblem[],
  ) {
    super(`policy ${policyId} is invalid: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'InvalidPolicyError';
  }
}

/** A rule ready for the hot path: globs and paths prepared, its verdict built once. */
export class CompiledRule {
  readonly action: PolicyAction;
  /** null where the rule does not constrain (absent, or a glob like `*`). */
  readonly connector: Glob | null;
  readonly tool: Glob | null;
  readonly agent: Glob | null;
  readonly conditions: readonly CompiledCondition[] | null;
  /** Shared and frozen, so evaluating allocates nothing. */
  readonly verdict: Verdict;

  constructor(
    readonly index: number,
    rule: PolicyRule,
    policy: { id: string; name: string },
  ) {
    this.action = rule.action;
    this.connector = constraint(rule.connector);
    this.tool = constraint(rule.tool);
    this.agent = rule.agent === undefined ? null : new Glob(rule.agent);
    this.conditions = rule.when && rule.when.length > 0 ? rule.when.map((c) => new CompiledCondition(c)) : null;
    const reason = `matched rule ${index} of policy ${JSON.stringify(policy.name)}${rule.reason ? `: ${rule.reason}` : ''}`;
    this.verdict = Object.freeze({ decision: rule.action, reason, policyId: policy.id, ruleIndex: index });
  }

  /** Connector, tool and agent; the arguments are judged by `conditionsHold`. */
  targets(call: ToolCall): boolean {
    if (this.connector !== null && !this.connector.test(call.connector)) return false;
    if (this.tool !== null && !this.tool.test(call.tool)) return false;
    if (this.agent !== null) {
      // A rule about agents never matches a call made without one.
      const agent = call.agent;
      if (agent === null || agent === undefined) return false;
      if (!this.agent.test(agent.id) && !this.agent.test(agent.name)) return false;
    }
    return true;
  }

  conditionsHold(args: unknown): boolean {
    const conditions = this.conditions;
    if (conditions === null) return true;
    for (let i = 0; i < conditions.length; i++) if (!conditions[i].holds(args)) return false;
    return true;
  }
}

export interface CompiledPolicy {
  readonly id: string;
  readonly name: string;
  readonly rules: readonly CompiledRule[];
  readonly defaultAction: PolicyAction;
  readonly defaultVerdict: Verdict;
}

/**
 * Prepares a policy for evaluation. The document is validated again here
 * because it usually comes from the database, where it may predate today's
 * rules; an invalid one throws InvalidPolicyError rather than half-working.
 */
export function compilePolicy(doc: PolicyDocument): CompiledPolicy {
  const checked = validatePolicyRules(doc.rules, doc.default_action);
  if (!checked.ok) throw new InvalidPolicyError(doc.id, checked.errors);
  const { rules, default_action: defaultAction } = checked.value;
  return Object.freeze({
    id: doc.id,
    name: doc.name,
    rules: Object.freeze(rules.map((rule, index) => new CompiledRule(index, rule, doc))),
    defaultAction,
    defaultVerdict: Object.freeze({
      decision: defaultAction,
      reason: `no rule matched; default action of policy ${JSON.stringify(doc.name)}`,
      policyId: doc.id,
      ruleIndex: null,
    }),
  });
}

function constraint(pattern: string | undefined): Glob | null {
  if (pattern === undefined) return null;
  const glob = new Glob(pattern);
  return glob.matchesEverything ? null : glob;
}
