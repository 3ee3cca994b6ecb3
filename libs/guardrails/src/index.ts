export * from './guardrails.types.js';
export { evaluateGuardrails, evaluateGuardrailsParts, detectorsFor } from './guardrails.engine.js';
export { scanValue } from './scan.js';
export { redactValue, redactText } from './redact.js';
export { validateDetectorConfig, type DetectorConfigProblem } from './guardrails.config.js';
export { luhnValid } from './luhn.js';
export { isIban } from './iban.js';
export { FINDING_KINDS } from './detector-kinds.js';
