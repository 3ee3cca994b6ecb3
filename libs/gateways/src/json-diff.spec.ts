import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { diffJson } from './json-diff.js';

describe('diffJson', () => {
  it('is empty for equal values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => diffJson(v, structuredClone(v)).length === 0));
  });

  it('reports adds, removes and replacements with paths', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 3, 4] }, d: true })).toEqual([
      { path: 'a', op: 'remove', before: 1 },
      { path: 'b.c[1]', op: 'replace', before: 2, after: 3 },
      { path: 'b.c[2]', op: 'add', after: 4 },
      { path: 'd', op: 'add', after: true },
    ]);
  });
});
