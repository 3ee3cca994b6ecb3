import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { JsonPath, MISSING } from './json-path.js';

function path(source: string): JsonPath {
  const parsed = JsonPath.parse(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.message}`);
  return parsed.path;
}

function problem(source: string): string {
  const parsed = JsonPath.parse(source);
  if (parsed.ok) throw new Error(`expected ${source} to be refused`);
  return parsed.message;
}

const args = {
  to: 'a@example.com',
  cc: null,
  items: [{ name: 'first', tags: ['x', 'y'] }, { name: 'second' }],
  nested: { deep: { value: 42 } },
  'odd key': { "it's": true },
  '0': 'zero',
};

describe('JsonPath', () => {
  it.each([
    ['$.to', 'a@example.com'],
    ['to', 'a@example.com'],
    ['$.cc', null],
    ['items[0].name', 'first'],
    ['$.items[1].name', 'second'],
    ['$.items[0].tags[1]', 'y'],
    ['items.0.name', 'first'],
    ['$.nested.deep.value', 42],
    ["$['odd key']", { "it's": true }],
    ['$["odd key"]["it\'s"]', true],
    ["$['odd key']['it\\'s']", true],
    ['$[0]', 'zero'],
    ['$', args],
  ])('%s reads %j', (source, expected) => {
    expect(path(source).resolve(args)).toEqual(expected);
  });

  it.each(['$.missing', 'items[2].name', 'items[0].name.first', 'to.length', '$.nested.deep.value.x', 'items.name', '$.constructor', '$.__proto__', 'toString'])(
    '%s is missing',
    (source) => {
      expect(path(source).resolve(args)).toBe(MISSING);
    },
  );

  it('is missing on absent or scalar arguments', () => {
    expect(path('$.to').resolve(undefined)).toBe(MISSING);
    expect(path('$.to').resolve('text')).toBe(MISSING);
    expect(path('$').resolve(undefined)).toBe(MISSING);
  });

  it('reads an own "__proto__" key as data', () => {
    expect(path("$['__proto__'].x").resolve(JSON.parse('{"__proto__":{"x":1}}'))).toBe(1);
  });

  it.each([
    ['', 'must be a non-empty JSON path such as "$.to" or "items[0].name"'],
    ['$..to', 'recursive descent ("..") is not supported; write the full path'],
    ['$.*', 'wildcards are not supported; a condition reads one value'],
    ['items[*]', 'wildcards are not supported; a condition reads one value'],
    ['items[?(@.x)]', 'filter expressions are not supported'],
    ['items[-1]', 'negative indices are not supported'],
    ['items[01]', `"[01]" is not an array index; quote a key as ['key']`],
    ['items[x]', `"[x]" is not an array index; quote a key as ['key']`],
    ['items[0', 'unclosed "[" at position 5'],
    ["$['a", 'unclosed quote at position 2'],
    ["$['a'x]", 'expected "]" after the quoted key at position 5'],
    ['to.', 'must not end with "."'],
    ['to name', 'unexpected " " at position 2'],
    ['@.to', 'unexpected "@" at position 0'],
    ['$' + '.a'.repeat(33), 'must have at most 32 steps'],
  ])('refuses %j', (source, message) => {
    expect(problem(source)).toBe(message);
  });

  it('never throws, and only reads own data, on arbitrary values', () => {
    fc.assert(
      fc.property(fc.constantFrom('$.a', 'a[0].b', "$['x y'][1]", '$', 'a.b.c.d'), fc.anything(), (source, value) => {
        expect(() => path(source).resolve(value)).not.toThrow();
      }),
    );
  });
});
