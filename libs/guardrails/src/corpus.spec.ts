import { describe, expect, it } from '@jest/globals';
import type { CorpusCase } from './corpus/corpus.types.js';
import { INJECTION_ATTACK_CORPUS } from './corpus/injection-attack.corpus.js';
import { KEYWORD_CORPUS_KEYWORDS, KEYWORD_DETECTOR_CORPUS } from './corpus/keyword-detector.corpus.js';
import { PII_CORPUS } from './corpus/pii.corpus.js';
import { REGEX_CORPUS, REGEX_CORPUS_PATTERNS } from './corpus/regex.corpus.js';
import { SECRETS_CORPUS } from './corpus/secrets.corpus.js';
import type { DetectorName, ScanConfig } from './guardrails.types.js';
import { scanValue } from './scan.js';

const suites: { detector: DetectorName; corpus: readonly CorpusCase[]; config: ScanConfig }[] = [
  { detector: 'pii', corpus: PII_CORPUS, config: { detectors: ['pii'] } },
  { detector: 'secrets', corpus: SECRETS_CORPUS, config: { detectors: ['secrets'] } },
  { detector: 'injection_attack', corpus: INJECTION_ATTACK_CORPUS, config: { detectors: ['injection_attack'] } },
  { detector: 'keyword_detector', corpus: KEYWORD_DETECTOR_CORPUS, config: { detectors: ['keyword_detector'], additional_config: { keywords: KEYWORD_CORPUS_KEYWORDS } } },
  { detector: 'regex', corpus: REGEX_CORPUS, config: { detectors: ['regex'], additional_config: { patterns: REGEX_CORPUS_PATTERNS } } },
];

const label = (c: CorpusCase): string => (c.kinds.length === 0 ? `passes: ${c.why ?? ''}` : c.kinds.join('+')) + ` | ${JSON.stringify(c.text.slice(0, 70))}`;

describe.each(suites)('$detector corpus', ({ corpus, config }) => {
  it('holds true positives and look-alikes', () => {
    const positives = corpus.filter((c) => c.kinds.length > 0).length;
    expect(positives).toBeGreaterThanOrEqual(5);
    expect(corpus.length - positives).toBeGreaterThanOrEqual(5);
  });

  it.each(corpus.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    const findings = scanValue(c.text, config);
    expect(findings.map((f) => f.kind)).toEqual(c.kinds);
    for (const f of findings) expect(f.end).toBeGreaterThan(f.start);
  });
});
