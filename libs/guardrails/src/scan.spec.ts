import { describe, expect, it } from '@jest/globals';
import { scanValue } from './scan.js';

const pii = { detectors: ['pii'] as const };

describe('scanValue', () => {
  it('locates findings by JSON path and offset, without the matched text', () => {
    const findings = scanValue({ args: { to: 'mail bob@example.com' }, content: [{ type: 'text', text: 'call 415-555-2671' }] }, pii);
    expect(findings).toEqual([
      { detector: 'pii', kind: 'email', path: '$.args.to', target: 'string', start: 5, end: 20 },
      { detector: 'pii', kind: 'phone', path: '$.content[0].text', target: 'string', start: 5, end: 17 },
    ]);
    expect(JSON.stringify(findings)).not.toContain('bob@');
  });

  it('writes odd member names in brackets', () => {
    expect(scanValue({ 'a b': { "it's": 'x@example.com' } }, pii)[0].path).toBe("$['a b']['it\\'s']");
  });

  it('scans keys and withholds a key that holds a finding from every path', () => {
    const findings = scanValue({ contacts: { 'alice@example.com': { note: 'or bob@example.com' } } }, pii);
    expect(findings).toEqual([
      { detector: 'pii', kind: 'email', path: '$.contacts[~0]', target: 'key', start: 0, end: 17 },
      { detector: 'pii', kind: 'email', path: '$.contacts[~0].note', target: 'string', start: 3, end: 18 },
    ]);
    expect(JSON.stringify(findings)).not.toContain('alice');
  });

  it('scans safe integers as their digits, and nothing else that is not text', () => {
    expect(scanValue({ pan: 4111111111111111, ok: true, none: null, ratio: 0.5 }, pii)).toEqual([
      { detector: 'pii', kind: 'card', path: '$.pan', target: 'number', start: 0, end: 16 },
    ]);
  });

  it('gives the member name to detectors that read context', () => {
    expect(scanValue({ password: 'Zq7-longer-than-8' }, { detectors: ['secrets'] }).map((f) => f.kind)).toEqual(['password']);
    expect(scanValue({ comment: 'Zq7-longer-than-8' }, { detectors: ['secrets'] })).toEqual([]);
  });

  it('fails closed past the depth limit', () => {
    let deep: unknown = 'x@example.com';
    for (let i = 0; i < 5; i++) deep = [deep];
    const findings = scanValue(deep, pii, { maxDepth: 3 });
    expect(findings).toEqual([{ detector: 'scanner', kind: 'limit_exceeded', limit: 'depth', path: '$[0][0][0]', target: 'value', start: 0, end: 0 }]);
  });

  it('scans up to the character budget and reports the unread rest', () => {
    const findings = scanValue({ a: 'x@example.com', b: 'y@example.com and more' }, pii, { maxCharacters: 1 + 13 + 1 + 10 });
    expect(findings).toEqual([
      { detector: 'pii', kind: 'email', path: '$.a', target: 'string', start: 0, end: 13 },
      { detector: 'scanner', kind: 'limit_exceeded', limit: 'characters', path: '$.b', target: 'string', start: 10, end: 22 },
    ]);
  });

  it('stops at the findings limit', () => {
    const findings = scanValue(Array.from({ length: 10 }, (_, i) => `u${i}@example.com`), pii, { maxFindings: 3 });
    expect(findings).toHaveLength(4);
    expect(findings[3]).toMatchObject({ kind: 'limit_exceeded', limit: 'findings', path: '$[3]' });
  });

  it('ends the walk on cycles and shared sub-objects (node limit)', () => {
    const cyclic: Record<string, unknown> = { text: 'hello' };
    cyclic.self = cyclic;
    expect(scanValue(cyclic, pii).at(-1)).toMatchObject({ kind: 'limit_exceeded', limit: 'depth' });
    let shared: unknown = ['x'];
    for (let i = 0; i < 30; i++) shared = [shared, shared];
    expect(scanValue(shared, pii, { maxNodes: 1000 }).at(-1)).toMatchObject({ kind: 'limit_exceeded', limit: 'nodes' });
  });

  it('reports configuration problems as findings of their detector', () => {
    const findings = scanValue('abc', { detectors: ['regex', 'keyword_detector'], additional_config: { patterns: ['ok', '(?=x)', 'a*'], keywords: 'nope' } });
    expect(findings).toEqual([
      { detector: 'regex', kind: 'invalid_config', path: 'additional_config.patterns[1]', target: 'config', start: 0, end: 0, rule: 1 },
      { detector: 'regex', kind: 'invalid_config', path: 'additional_config.patterns[2]', target: 'config', start: 0, end: 0, rule: 2 },
      { detector: 'keyword_detector', kind: 'invalid_config', path: 'additional_config.keywords', target: 'config', start: 0, end: 0 },
    ]);
  });

  it('does not find text inside its own redaction markers, nor accept forged ones', () => {
    const keywords = { detectors: ['keyword_detector'] as const, additional_config: { keywords: ['email', 'payload'] } };
    expect(scanValue('[REDACTED:email]', keywords)).toEqual([]);
    expect(scanValue('[REDACTED:payload]', keywords).map((f) => f.kind)).toEqual(['keyword']);
  });
});
