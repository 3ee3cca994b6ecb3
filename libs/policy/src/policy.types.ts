/** The policy rule language (SPEC §3 Policies, seed enforgate). */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

export const POLICY_ACTIONS = ['allow', 'deny', 'require_approval'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const CONDITION_OPS = ['eq', 'neq', 'in', 'matches', 'contains', 'gt', 'lt', 'exists'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface Condition {
  /** A JSON path into the call's arguments: `$.to`, `to`, `items[0].name`, `$['odd key']`. */
  arg: string;
  op: ConditionOp;
  value?: JsonValue;
}

export interface PolicyRule {
  action: PolicyAction;
  /** Glob over the connector name (`*`, `?`); absent matches every connector. */
  connector?: string;
  /** Glob over the tool name as the connector knows it (without the `<connector>__` prefix). */
  tool?: string;
  /** Glob matched against the calling agent's id and its name. */
  agent?: string;
  /** Every condition must hold (AND). */
  when?: Condition[];
  reason?: string;
}

export interface PolicyDocument {
  id: string;
  name: string;
  rules: PolicyRule[];
  default_action: PolicyAction;
}

export interface ToolCall {
  connector: string;
  tool: string;
  agent?: { id: string; name: string } | null;
  /** The call's arguments, evaluated in memory only. */
  args?: unknown;
}

export interface Verdict {
  readonly decision: PolicyAction;
  readonly reason: string;
  readonly policyId: string | null;
  readonly ruleIndex: number | null;
}

/** Without the arguments (audit entries never store them) some calls cannot be decided. */
export interface ArgumentFreeVerdict {
  readonly decision: PolicyAction | 'undecidable';
  readonly reason: string;
  readonly policyId: string | null;
  /** The deciding rule; for 'undecidable', the first rule whose conditions would be needed. */
  readonly ruleIndex: number | null;
  /** Every decision the call could get with some arguments; one element unless undecidable. */
  readonly possible: readonly PolicyAction[];
}

export interface PolicyProblem {
  /** null for problems that are not about one rule (`default_action`, the list itself). */
  ruleIndex: number | null;
  /** e.g. `rules[3].when[0].value` */
  path: string;
  message: string;
}
