import { describe, expect, it } from '@jest/globals';
import { createKeywordDetector, foldCase } from './keyword.detector.js';

const ctx = { key: null };

describe('keyword detector', () => {
  it('folds case without moving offsets, even around İ', () => {
    const text = 'İstanbul and ISTANBUL';
    expect(foldCase(text)).toHaveLength(text.length);
    expect(createKeywordDetector(['istanbul']).detect(text, ctx)).toEqual([{ kind: 'keyword', start: 13, end: 21, rule: 0 }]);
  });

  it('numbers findings by the keyword position in the configuration', () => {
    expect(createKeywordDetector(['', 'beta', 'alpha']).detect('alpha beta', ctx)).toEqual([
      { kind: 'keyword', start: 0, end: 5, rule: 2 },
      { kind: 'keyword', start: 6, end: 10, rule: 1 },
    ]);
  });

  it('bounds words in any script, including astral letters', () => {
    const detector = createKeywordDetector(['cat']);
    expect(detector.detect('𝐀cat', ctx)).toEqual([]);
    expect(detector.detect('😀cat😀', ctx)).toHaveLength(1);
    expect(detector.detect('catégorie', ctx)).toEqual([]);
  });
});
