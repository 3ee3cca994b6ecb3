import { compileDetectors, type CompiledDetectors } from './guardrails.config.js';
import { DEFAULT_SCAN_LIMITS, type DetectorName, type Finding, type FindingTarget, type ScanConfig, type ScanLimitName, type ScanLimits } from './guardrails.types.js';
import { renderPath, type PathStep } from './json-path.js';
import { markerSpans, outsideMarkers } from './redaction-marker.js';

/** Raised inside the walk when a limit is reached; never escapes `scanValue`. */
class ScanStopped extends Error {}

interface RawFinding {
  detector: DetectorName;
  kind: string;
  start: number;
  end: number;
  rule?: number;
}

/**
 * Walks a JSON value depth-first and runs the detectors on every string,
 * every object key and every safe integer (a card number sent as a number is
 * still a card number). Keys are scanned because they carry data too
 * (`{"alice@example.com": {...}}`).
 *
 * Past a limit (depth, characters, findings, nodes) the walk stops and a
 * `limit_exceeded` finding says which and where: what was not read cannot be
 * called clean, and the engine fails closed on it. A string that crosses the
 * character budget is scanned up to the budget; the finding covers the rest.
 */
class Scanner {
  readonly findings: Finding[] = [];
  private readonly steps: PathStep[] = [];
  private characters = 0;
  private nodes = 0;
  private scannedUpTo = 0;

  constructor(
    private readonly compiled: CompiledDetectors,
    private readonly limits: ScanLimits,
  ) {}

  run(value: unknown): Finding[] {
    for (const problem of this.compiled.problems) {
      this.findings.push({
        detector: problem.detector,
        kind: 'invalid_config',
        path: `additional_config.${problem.path}`,
        target: 'config',
        start: 0,
        end: 0,
        ...(problem.rule === undefined ? {} : { rule: problem.rule }),
      });
    }
    try {
      this.visit(value, 0, null);
    } catch (error) {
      if (!(error instanceof ScanStopped)) throw error;
    }
    return this.findings;
  }

  private visit(value: unknown, depth: number, contextKey: string | null): void {
    if (++this.nodes > this.limits.maxNodes) this.stop('nodes', 'value', 0, 0);
    if (typeof value === 'string') {
      this.emit(this.scanText(value, contextKey, 'string'), 'string');
      this.stopIfTruncated('string', value.length);
    } else if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) return;
      const digits = String(value);
      this.emit(this.scanText(digits, contextKey, 'number'), 'number');
      this.stopIfTruncated('number', digits.length);
    } else if (Array.isArray(value)) {
      if (depth >= this.limits.maxDepth) this.stop('depth', 'value', 0, 0);
      for (let i = 0; i < value.length; i++) {
        this.steps.push(i);
        this.visit(value[i], depth + 1, contextKey);
        this.steps.pop();
      }
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= this.limits.maxDepth) this.stop('depth', 'value', 0, 0);
      const record = value as Record<string, unknown>;
      Object.keys(record).forEach((key, ordinal) => {
        const keyFindings = this.scanText(key, null, 'key');
        // A name only partly read is withheld from paths too: the unread part could be anything.
        this.steps.push({ key, ordinal, masked: keyFindings.length > 0 || this.scannedUpTo < key.length });
        this.emit(keyFindings, 'key');
        this.stopIfTruncated('key', key.length);
        this.visit(record[key], depth + 1, key);
        this.steps.pop();
      });
    }
  }

  /** Runs the detectors on as much of `text` as the character budget allows; `scannedUpTo` says how much. */
  private scanText(text: string, contextKey: string | null, target: FindingTarget): RawFinding[] {
    const budget = Math.max(0, this.limits.maxCharacters - this.characters);
    const scanned = text.length > budget ? text.slice(0, budget) : text;
    this.characters += scanned.length;
    this.scannedUpTo = scanned.length;
    const raw: RawFinding[] = [];
    if (scanned.length === 0) return raw;
    const markers = target === 'string' ? markerSpans(scanned) : [];
    for (const { name, detector } of this.compiled.detectors) {
      for (const span of detector.detect(scanned, { key: contextKey })) {
        const pieces: [number, number][] = markers.length === 0 ? [[span.start, span.end]] : outsideMarkers(span.start, span.end, markers);
        for (const [start, end] of pieces) raw.push({ detector: name, kind: span.kind, start, end, ...(span.rule === undefined ? {} : { rule: span.rule }) });
      }
    }
    return raw.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  private stopIfTruncated(target: FindingTarget, length: number): void {
    if (this.scannedUpTo < length) this.stop('characters', target, this.scannedUpTo, length);
  }

  private emit(raw: readonly RawFinding[], target: FindingTarget): void {
    if (raw.length === 0) return;
    const path = renderPath(this.steps);
    for (const r of raw) {
      if (this.findings.length >= this.limits.maxFindings) this.stop('findings', target, r.start, r.end);
      this.findings.push({ detector: r.detector, kind: r.kind, path, target, start: r.start, end: r.end, ...(r.rule === undefined ? {} : { rule: r.rule }) });
    }
  }

  private stop(limit: ScanLimitName, target: FindingTarget, start: number, end: number): never {
    this.findings.push({ detector: 'scanner', kind: 'limit_exceeded', limit, path: renderPath(this.steps), target, start, end });
    throw new ScanStopped();
  }
}

/**
 * Findings of the configured detectors anywhere in `value`, in document
 * order. Never throws on any input, including cyclic or deeply nested objects
 * (the depth and node limits end the walk).
 */
export function scanValue(value: unknown, config: ScanConfig, limits: Partial<ScanLimits> = {}): Finding[] {
  return new Scanner(compileDetectors(config.detectors, config.additional_config), { ...DEFAULT_SCAN_LIMITS, ...limits }).run(value);
}

/** For the engine, which compiles once per configuration. */
export function scanCompiled(value: unknown, compiled: CompiledDetectors, limits: Partial<ScanLimits> = {}): Finding[] {
  return new Scanner(compiled, { ...DEFAULT_SCAN_LIMITS, ...limits }).run(value);
}
