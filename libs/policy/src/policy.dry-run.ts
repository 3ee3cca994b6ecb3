import type { CompiledPolicy } from './policy.compile.js';
import { evaluate, evaluateWithoutArgs } from './policy.evaluator.js';
import type { ArgumentFreeVerdict, ToolCall } from './policy.types.js';

export type DryRunSample = ToolCall;

export interface DryRunResult {
  current: ArgumentFreeVerdict;
  draft: ArgumentFreeVerdict;
  /** null when the arguments would decide whether the decision changes. */
  changed: boolean | null;
}

export interface DryRunReport {
  results: DryRunResult[];
  summary: { total: number; changed: number; unchanged: number; unknown: number };
}

/**
 * What a draft policy would decide for past calls, next to what the current
 * one (or none) decides. Samples with `args` are evaluated exactly; samples
 * without them (audit entries) may be undecidable.
 */
export function dryRun(draft: CompiledPolicy, current: CompiledPolicy | null, samples: readonly DryRunSample[]): DryRunReport {
  const summary = { total: samples.length, changed: 0, unchanged: 0, unknown: 0 };
  const results = samples.map((sample) => {
    const result: DryRunResult = { current: judge(current, sample), draft: judge(draft, sample), changed: null };
    result.changed = compare(result.current, result.draft);
    if (result.changed === null) summary.unknown++;
    else if (result.changed) summary.changed++;
    else summary.unchanged++;
    return result;
  });
  return { results, summary };
}

function judge(policy: CompiledPolicy | null, sample: DryRunSample): ArgumentFreeVerdict {
  if (sample.args === undefined) return evaluateWithoutArgs(policy, sample);
  const verdict = evaluate(policy, sample);
  return { ...verdict, possible: [verdict.decision] };
}

/** Changed for sure when no decision is possible under both; unchanged only when both are certain and equal. */
function compare(current: ArgumentFreeVerdict, draft: ArgumentFreeVerdict): boolean | null {
  if (current.decision !== 'undecidable' && draft.decision !== 'undecidable') return current.decision !== draft.decision;
  return current.possible.some((d) => draft.possible.includes(d)) ? null : true;
}
