import { injectionAttackDetector } from './injection-attack.detector.js';
import { createKeywordDetector, KEYWORD_MAX_LENGTH, KEYWORDS_MAX } from './keyword.detector.js';
import { piiDetector } from './pii.detector.js';
import { compilePattern, createRegexDetector, PATTERNS_MAX, type CompiledPattern, type PatternCompileResult } from './regex.detector.js';
import { secretsDetector } from './secrets.detector.js';
import type { TextDetector } from './text.js';
import type { DetectorName } from './guardrails.types.js';

/** A problem in `additional_config`, at a path relative to it (`patterns[2]`). */
export interface DetectorConfigProblem {
  detector: DetectorName;
  path: string;
  message: string;
  rule?: number;
}

export interface CompiledDetectors {
  detectors: { name: DetectorName; detector: TextDetector }[];
  problems: DetectorConfigProblem[];
}

/**
 * Compiled patterns by source. Compiling is the expensive part of a regex
 * detector and the same few patterns come with every call of a gateway; the
 * cache is bounded and simply starts over when full.
 */
const PATTERN_CACHE_MAX = 1024;
const patternCache = new Map<string, PatternCompileResult>();

function cachedPattern(source: string): PatternCompileResult {
  let result = patternCache.get(source);
  if (!result) {
    if (patternCache.size >= PATTERN_CACHE_MAX) patternCache.clear();
    result = compilePattern(source);
    patternCache.set(source, result);
  }
  return result;
}

function readKeywords(config: Readonly<Record<string, unknown>> | undefined, problems: DetectorConfigProblem[]): string[] {
  const raw = config?.keywords;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ detector: 'keyword_detector', path: 'keywords', message: 'must be an array of strings' });
    return [];
  }
  if (raw.length > KEYWORDS_MAX) problems.push({ detector: 'keyword_detector', path: 'keywords', message: `must hold at most ${KEYWORDS_MAX} keywords` });
  const keywords: string[] = [];
  raw.slice(0, KEYWORDS_MAX).forEach((k: unknown, i) => {
    if (typeof k !== 'string' || k.trim() === '' || k.length > KEYWORD_MAX_LENGTH) {
      problems.push({ detector: 'keyword_detector', path: `keywords[${i}]`, rule: i, message: `must be a non-blank string of at most ${KEYWORD_MAX_LENGTH} characters` });
      keywords.push('');
    } else {
      keywords.push(k);
    }
  });
  return keywords;
}

/** One entry per configured pattern, null where it does not compile, so positions stay those of the configuration. */
function readPatterns(config: Readonly<Record<string, unknown>> | undefined, problems: DetectorConfigProblem[]): (CompiledPattern | null)[] {
  const raw = config?.patterns;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ detector: 'regex', path: 'patterns', message: 'must be an array of regular expressions' });
    return [];
  }
  if (raw.length > PATTERNS_MAX) problems.push({ detector: 'regex', path: 'patterns', message: `must hold at most ${PATTERNS_MAX} patterns` });
  return raw.slice(0, PATTERNS_MAX).map((source: unknown, i) => {
    const compiled = typeof source === 'string' ? cachedPattern(source) : compilePattern(source);
    if (compiled.ok) return compiled.pattern;
    problems.push({ detector: 'regex', path: `patterns[${i}]`, rule: i, message: compiled.message });
    return null;
  });
}

/**
 * The detectors to run for `names`, with the keywords and patterns of
 * `additional_config`. Bad entries are left out and reported as problems:
 * the engine turns them into findings so a blocking detector fails closed.
 * Keyword and pattern indices (`rule`) stay those of the configuration even
 * when an earlier entry is left out.
 */
export function compileDetectors(names: readonly DetectorName[], config: Readonly<Record<string, unknown>> | undefined): CompiledDetectors {
  const problems: DetectorConfigProblem[] = [];
  const detectors: CompiledDetectors['detectors'] = [];
  for (const name of new Set(names)) {
    switch (name) {
      case 'pii':
        detectors.push({ name, detector: piiDetector });
        break;
      case 'secrets':
        detectors.push({ name, detector: secretsDetector });
        break;
      case 'injection_attack':
        detectors.push({ name, detector: injectionAttackDetector });
        break;
      case 'keyword_detector': {
        const keywords = readKeywords(config, problems);
        if (keywords.some((k) => k !== '')) detectors.push({ name, detector: createKeywordDetector(keywords) });
        break;
      }
      case 'regex': {
        const patterns = readPatterns(config, problems);
        if (patterns.some((p) => p !== null)) detectors.push({ name, detector: createRegexDetector(patterns) });
        break;
      }
    }
  }
  return { detectors, problems };
}

/**
 * Problems with `keywords` and `patterns` in `additional_config`, for the
 * gateway validator to answer 422 at save time instead of failing at call time.
 */
export function validateDetectorConfig(config: Readonly<Record<string, unknown>> | undefined): DetectorConfigProblem[] {
  const problems: DetectorConfigProblem[] = [];
  readKeywords(config, problems);
  readPatterns(config, problems);
  return problems;
}
