import { describe, expect, it } from '@jest/globals';
import { validateDetectorConfig } from './guardrails.config.js';

describe('validateDetectorConfig', () => {
  it('accepts good keywords and patterns, and no config at all', () => {
    expect(validateDetectorConfig(undefined)).toEqual([]);
    expect(validateDetectorConfig({ pii_redaction: true, keywords: ['a'], patterns: ['ORD-\\d{6}'] })).toEqual([]);
  });

  it('names each bad entry, with a message a person can act on', () => {
    expect(validateDetectorConfig({ keywords: ['ok', ' ', 7], patterns: ['(', 'x{2,1}', 'a?', '(?<=a)b', 'x'.repeat(300)] })).toEqual([
      { detector: 'keyword_detector', path: 'keywords[1]', rule: 1, message: 'must be a non-blank string of at most 256 characters' },
      { detector: 'keyword_detector', path: 'keywords[2]', rule: 2, message: 'must be a non-blank string of at most 256 characters' },
      { detector: 'regex', path: 'patterns[0]', rule: 0, message: expect.any(String) as unknown as string },
      { detector: 'regex', path: 'patterns[1]', rule: 1, message: expect.any(String) as unknown as string },
      { detector: 'regex', path: 'patterns[2]', rule: 2, message: 'matches the empty string, so it would flag every value' },
      { detector: 'regex', path: 'patterns[3]', rule: 3, message: expect.any(String) as unknown as string },
      { detector: 'regex', path: 'patterns[4]', rule: 4, message: 'must be at most 256 characters' },
    ]);
  });

  it('refuses lists of the wrong type or size', () => {
    expect(validateDetectorConfig({ keywords: 'x', patterns: {} }).map((p) => p.path)).toEqual(['keywords', 'patterns']);
    expect(validateDetectorConfig({ patterns: Array.from({ length: 65 }, () => 'a') })[0]).toMatchObject({ path: 'patterns', message: 'must hold at most 64 patterns' });
  });
});
