import { compileDetectors } from './guardrails.config.js';
import { DETECTOR_NAMES, type DetectorName, type Finding, type GuardrailsConfig, type GuardrailsVerdict, type ScanLimits } from './guardrails.types.js';
import { redactValue } from './redact.js';
import { scanCompiled } from './scan.js';

const KNOWN = new Set<string>(DETECTOR_NAMES);

function hasEntries(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/**
 * The detectors an enabled config runs: the three built-in ones always (so
 * the audit entry is annotated even when nothing blocks), keywords and
 * patterns when `additional_config` lists some, and anything named in `block`.
 */
export function detectorsFor(config: GuardrailsConfig): DetectorName[] {
  const extra = config.additional_config ?? {};
  const names = new Set<DetectorName>(['pii', 'secrets', 'injection_attack']);
  if (extra.keywords !== undefined && (hasEntries(extra.keywords) || !Array.isArray(extra.keywords))) names.add('keyword_detector');
  if (extra.patterns !== undefined && (hasEntries(extra.patterns) || !Array.isArray(extra.patterns))) names.add('regex');
  for (const name of config.block ?? []) if (KNOWN.has(name)) names.add(name as DetectorName);
  return [...names];
}

/**
 * SPEC §3 Guardrails. A finding of a detector named in `block` blocks; the
 * others only annotate. With `additional_config.pii_redaction: true`, PII is
 * redacted instead — whether or not `pii` is in `block` (the seed pairs
 * `pii_redaction` with a block list without `pii`) — unless it sits where it
 * cannot be redacted in place (an object key, a number): then it blocks.
 *
 * Failing closed: a limit reached while scanning blocks when anything would
 * have blocked or been redacted, since the unread part may hold it; a
 * keyword or pattern that does not compile blocks when its detector is in
 * `block`. Blocking wins over redaction; the redacted value is only returned
 * with action `redact`.
 */
export function evaluateGuardrails(value: unknown, config: GuardrailsConfig, limits: Partial<ScanLimits> = {}): GuardrailsVerdict {
  if (!config.enabled) return { action: 'allow', findings: [] };
  const block = new Set((config.block ?? []).filter((name) => KNOWN.has(name)));
  const piiRedaction = config.additional_config?.pii_redaction === true;
  const findings = scanCompiled(value, compileDetectors(detectorsFor(config), config.additional_config), limits);

  const blockedBy = new Set<DetectorName | 'scanner'>();
  const toRedact: Finding[] = [];
  for (const finding of findings) {
    if (finding.detector === 'scanner') {
      if (block.size > 0 || piiRedaction) blockedBy.add('scanner');
    } else if (finding.detector === 'pii' && piiRedaction) {
      if (finding.target === 'string') toRedact.push(finding);
      else blockedBy.add('pii');
    } else if (block.has(finding.detector)) {
      blockedBy.add(finding.detector);
    }
  }
  if (blockedBy.size > 0) return { action: 'block', findings, blocked_by: [...blockedBy] };
  if (toRedact.length > 0) return { action: 'redact', findings, redacted: redactValue(value, toRedact) };
  return { action: 'allow', findings };
}

/**
 * `evaluateGuardrails` over the named parts of one value (a tool's answer:
 * its content and its structured content), each part scanned on its own
 * with the full limits, so that a value the upstream sends twice, as text and
 * as data, does not meet the limits at half its size. Findings are located
 * under the part's name (`$.content[0].text`); the verdict blocks if any part
 * blocks, else redacts every part that needs it; `redacted` holds all parts.
 */
export function evaluateGuardrailsParts(
  parts: Record<string, unknown>,
  config: GuardrailsConfig,
  limits: Partial<ScanLimits> = {},
): GuardrailsVerdict {
  const findings: Finding[] = [];
  const blockedBy = new Set<DetectorName | 'scanner'>();
  const redacted: Record<string, unknown> = { ...parts };
  let redacts = false;
  const configFindings = new Set<string>();
  for (const [name, value] of Object.entries(parts)) {
    const verdict = evaluateGuardrails(value, config, limits);
    for (const f of verdict.findings) {
      // A finding about the config itself (a pattern that does not compile) is the same for every part: once.
      if (f.target === 'config') {
        if (!configFindings.has(f.path)) findings.push(f);
        configFindings.add(f.path);
      } else findings.push({ ...f, path: `$.${name}${f.path.slice(1)}` });
    }
    for (const d of verdict.blocked_by ?? []) blockedBy.add(d);
    if (verdict.action === 'redact') {
      redacted[name] = verdict.redacted;
      redacts = true;
    }
  }
  if (blockedBy.size > 0) return { action: 'block', findings, blocked_by: [...blockedBy] };
  if (redacts) return { action: 'redact', findings, redacted };
  return { action: 'allow', findings };
}
