import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INJECTION_ATTACK_CORPUS } from './corpus/injection-attack.corpus.js';
import { PII_CORPUS } from './corpus/pii.corpus.js';
import { SECRETS_CORPUS } from './corpus/secrets.corpus.js';
import { evaluateGuardrails } from './guardrails.engine.js';
import { DETECTOR_NAMES, type ScanConfig } from './guardrails.types.js';
import { redactValue } from './redact.js';
import { scanValue } from './scan.js';

const ALL: ScanConfig = {
  detectors: DETECTOR_NAMES,
  additional_config: { keywords: ['confidential', 'falcon'], patterns: ['ORD-[0-9]{6}', '(?i)secret'] },
};

const samples = [...PII_CORPUS, ...SECRETS_CORPUS, ...INJECTION_ATTACK_CORPUS].map((c) => c.text);

/** Strings that are random, or drawn from the corpora, or pieces of both glued together. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(...samples),
  fc.tuple(fc.constantFrom(...samples), fc.string(), fc.constantFrom(...samples)).map(([a, b, c]) => `${a}${b}${c}`),
);

/** JSON values whose strings (and keys) are `text`. */
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.constantFrom(4111111111111111, 0, -1, 1.5),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Same keys in the same order, same array lengths, equal non-strings, strings where there were strings. */
function sameShape(a: unknown, b: unknown): boolean {
  if (typeof a === 'string') return typeof b === 'string';
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameShape(x, b[i]));
  if (typeof a === 'object' && a !== null) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return Object.is(a, b);
}

describe('properties', () => {
  it('scanning never throws on arbitrary JSON, and findings point inside their text', () => {
    fc.assert(
      fc.property(json, (value) => {
        for (const f of scanValue(value, ALL)) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeGreaterThanOrEqual(f.start);
          expect(typeof f.path).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on fast-check JSON either', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => void scanValue(value, ALL)), { numRuns: 300 });
  });

  it('redaction keeps the shape', () => {
    fc.assert(fc.property(json, (value) => expect(sameShape(value, redactValue(value, ALL))).toBe(true)), { numRuns: 300 });
  });

  it('redacting twice is redacting once', () => {
    fc.assert(
      fc.property(json, (value) => {
        const once = redactValue(value, ALL);
        expect(redactValue(once, ALL)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('after redaction only findings that cannot be redacted in place remain', () => {
    fc.assert(
      fc.property(json, (value) => {
        const left = scanValue(redactValue(value, ALL), ALL).filter((f) => f.target === 'string');
        expect(left).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('finds an address wherever it is put among words', () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), fc.array(word, { maxLength: 6 }), (before, after) => {
        const findings = scanValue([...before, 'jane.doe@example.com', ...after].join(' '), { detectors: ['pii'] });
        expect(findings.map((f) => f.kind)).toEqual(['email']);
      }),
    );
  });

  it('a redacted value passes the guardrail that redacted it', () => {
    const config = { enabled: true, guardrail_name: 't', additional_config: { pii_redaction: true }, block: [] };
    fc.assert(
      fc.property(json, (value) => {
        const verdict = evaluateGuardrails(value, config);
        if (verdict.action === 'redact') expect(evaluateGuardrails(verdict.redacted, config).action).toBe('allow');
      }),
      { numRuns: 300 },
    );
  });
});
