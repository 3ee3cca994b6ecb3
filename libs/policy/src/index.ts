export * from './policy.types.js';
export { validatePolicyRules, POLICY_LIMITS, type ValidatedPolicy } from './policy.validate.js';
export { compilePolicy, InvalidPolicyError, type CompiledPolicy, type CompiledRule } from './policy.compile.js';
export { evaluate, evaluateWithoutArgs, NO_POLICY_VERDICT } from './policy.evaluator.js';
export { dryRun, type DryRunReport, type DryRunResult, type DryRunSample } from './policy.dry-run.js';
export { Glob, globProblem, GLOB_MAX_LENGTH } from './glob.js';
export { JsonPath, MISSING, JSON_PATH_MAX_LENGTH, JSON_PATH_MAX_STEPS } from './json-path.js';
export { SafeRegex, SAFE_REGEX_MAX_LENGTH, SAFE_REGEX_MAX_STATES, type SafeRegexResult } from './safe-regex.js';
