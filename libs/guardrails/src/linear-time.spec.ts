import { describe, expect, it } from '@jest/globals';
import { BUILTIN_PATTERNS } from './builtin-patterns.js';
import { DETECTOR_NAMES, type ScanConfig } from './guardrails.types.js';
import { scanValue } from './scan.js';

/**
 * Unbounded quantifiers (`*`, `+`, `{n,}`) outside character classes, and
 * bounds above 256. With only bounded quantifiers, a backtracking engine
 * spends a bounded number of steps at each start position, so a global scan
 * is linear in the text; that is the rule every built-in pattern follows.
 */
function unboundedQuantifiers(source: string): string[] {
  const problems: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '*' || c === '+') {
      problems.push(`${c} at ${i}`);
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m && m[2] !== undefined && (m[3] === '' || Number(m[3]) > 256)) problems.push(`${m[0]} at ${i}`);
    }
  }
  return problems;
}

describe('built-in patterns', () => {
  it.each([...BUILTIN_PATTERNS.entries()])('%s has only bounded quantifiers', (_name, regex) => {
    expect(unboundedQuantifiers(regex.source)).toEqual([]);
  });

  it('the check itself catches unbounded quantifiers', () => {
    expect(unboundedQuantifiers('a+b')).toEqual(['+ at 1']);
    expect(unboundedQuantifiers('(?:ab)*')).toEqual(['* at 6']);
    expect(unboundedQuantifiers('x{2,}')).toEqual(['{2,} at 1']);
    expect(unboundedQuantifiers('x{2,9999}')).toEqual(['{2,9999} at 1']);
    expect(unboundedQuantifiers('[+*]\\+x{1,8}')).toEqual([]);
  });
});

const SIZE = 100_000;
const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/**
 * Inputs built to hurt each detector: long runs of the characters a pattern
 * consumes, its prefixes repeated without the rest, and near misses. They
 * must simply finish (the jest timeout is the bound; no timing assertion).
 */
const ADVERSARIAL: Record<string, string> = {
  letters: fill('a'),
  digits: fill('1'),
  spacedDigits: fill('1 '),
  hyphenDigits: fill('4111-'),
  dottedDigits: fill('0.'),
  parens: fill('(1'),
  plusDigits: fill('+1 '),
  cardGroups: fill('4111 1111 1111 1112 '),
  ats: fill('@'),
  localParts: fill('a.'),
  emailish: fill('a@b.'),
  emailTld: fill('x@example.'),
  ibanStarts: fill('GB82 '),
  ibanish: fill('GB82 WEST 1234 '),
  nino: fill('AB 12 34 56 '),
  base64: fill('Tq8Lm2Xv9Kd4Rb7Nw1Pz6Hc3Js5Fg0Ya8Ue2Wi4Q+/'),
  tokens: fill('Tq8Lm2Xv9Kd4Rb7Nw1Pz6Hc3Js5 '),
  jwtDots: fill('eyJ.'),
  jwtHeaders: fill('eyJhbGciOiJIUzI1NiJ9.'),
  pemHeaders: fill('-----BEGIN RSA PRIVATE KEY-----'),
  pemPublic: fill('-----BEGIN CERTIFICATE-----'),
  pemTypes: Array.from({ length: 6000 }, (_, i) => `-----BEGIN T${i}-----`).join('').slice(0, SIZE),
  prefixes: fill('AKIA ghp_ xoxb- xoxb-a- sk-ant-api03- sk_live_ glpat- AIza npm_ gth_live_ '),
  assignments: fill('password='),
  bearer: fill('Bearer '),
  bearerLong: `Bearer ${fill('A')}`,
  urlCredentials: fill('a://b:'),
  awsContext: fill('aws_secret_access_key='),
  ignores: fill('ignore '),
  overrides: fill('ignore all previous '),
  youAreNow: fill('you are now '),
  exfilFiles: fill('read ~/.ssh/id_rsa '),
  sendKeys: fill('send all api keys '),
  spaces: `ignore${' '.repeat(SIZE)}instructions`,
  tags: fill('<IMPORTANT'),
  zeroWidth: fill('\u200b'),
  unicodeTags: fill('\u{E0041}'),
  flags: fill('🏴\u{E0067}\u{E0062}'),
  selectors: fill('\ufe0f'),
  joiners: fill('a\u200d'),
};

const everything: ScanConfig = {
  detectors: DETECTOR_NAMES,
  additional_config: {
    keywords: ['a', 'aa', 'ignore', '1 1', 'ab'],
    // Classic ReDoS shapes: exponential on a backtracking engine, linear on SafeRegex.
    patterns: ['(a+)+$', '(a|aa)+b', '(\\d+)*x', '(.*a){12}', 'a'],
  },
};

describe('every detector on adversarial 100 KB inputs', () => {
  it.each(Object.entries(ADVERSARIAL))('%s finishes', (_name, text) => {
    expect(text.length).toBeGreaterThanOrEqual(SIZE - 10);
    for (const detector of DETECTOR_NAMES) {
      // One detector at a time, with no findings limit, so a slow one cannot hide behind an early stop.
      const findings = scanValue(text, { detectors: [detector], additional_config: everything.additional_config }, { maxFindings: 1_000_000 });
      expect(Array.isArray(findings)).toBe(true);
    }
  });
});
