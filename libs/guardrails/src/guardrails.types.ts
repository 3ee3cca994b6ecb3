/** The guardrail detectors Gatehouse runs itself (SPEC §3 Guardrails). */
export const DETECTOR_NAMES = ['pii', 'secrets', 'injection_attack', 'keyword_detector', 'regex'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/**
 * Where a finding lies. Only `string` findings can be redacted in place:
 * rewriting a key or turning a number into a string would change the shape
 * the tool or the client expects. `value` is a whole container (a limit
 * reached there); `config` points at the guardrail configuration (a pattern
 * that does not compile), not at the scanned value.
 */
export type FindingTarget = 'string' | 'key' | 'number' | 'value' | 'config';

export type ScanLimitName = 'depth' | 'characters' | 'findings' | 'nodes';

/**
 * One thing a detector saw. It never carries the matched text (findings go to
 * the audit log); `path` + `start`/`end` locate it in the scanned value, and
 * `redactValue` removes it.
 */
export interface Finding {
  /** `scanner` reports limits, not content. */
  detector: DetectorName | 'scanner';
  /** What was seen: `email`, `card`, `aws_access_key`, `instruction_override`, `keyword`, `pattern`, `limit_exceeded`… */
  kind: string;
  /**
   * JSON path of the string, key or number (`$.args.to`, `$.content[0].text`,
   * `$['odd key']`). A member whose name itself holds a finding is written by
   * position, `[~2]`, in every path, so paths never leak what they locate.
   * For `config` findings: the entry of the configuration (`additional_config.patterns[1]`).
   */
  path: string;
  target: FindingTarget;
  /** UTF-16 offsets within the string (or key, or the number's decimal text); end is exclusive. */
  start: number;
  end: number;
  /** For `keyword_detector`/`regex`: the index of the keyword or pattern in `additional_config`. */
  rule?: number;
  /** For `limit_exceeded`: which limit. */
  limit?: ScanLimitName;
}

export interface ScanConfig {
  detectors: readonly DetectorName[];
  additional_config?: Readonly<Record<string, unknown>>;
}

/** The stored shape (SPEC §3 Gateways, seed enkrypt). */
export interface GuardrailsConfig {
  enabled: boolean;
  guardrail_name?: string;
  additional_config?: Readonly<Record<string, unknown>>;
  /** Detector names; names this engine does not implement are ignored here (the gateway validator refuses them). */
  block?: readonly string[];
}

export type GuardrailAction = 'allow' | 'block' | 'redact';

export interface GuardrailsVerdict {
  action: GuardrailAction;
  /** Every finding, blocking or not, for the audit entry. */
  findings: Finding[];
  /** The detectors whose findings decided a block (`scanner` when a limit did). */
  blocked_by?: (DetectorName | 'scanner')[];
  /** With action `redact`: the value to forward instead, same shape as the input. */
  redacted?: unknown;
}

/**
 * Bounds on one scan. Past any of them the scan stops and reports a
 * `limit_exceeded` finding; the engine then fails closed (see evaluateGuardrails).
 */
export interface ScanLimits {
  /** Containers nested deeper than this are not entered. */
  maxDepth: number;
  /** UTF-16 code units of strings, keys and numbers scanned in total. */
  maxCharacters: number;
  /** Findings reported before the scan stops. */
  maxFindings: number;
  /** Values visited (a shared sub-object counts each time it is reached). */
  maxNodes: number;
}

export const DEFAULT_SCAN_LIMITS: Readonly<ScanLimits> = Object.freeze({
  maxDepth: 64,
  maxCharacters: 1_048_576,
  maxFindings: 1000,
  maxNodes: 100_000,
});
