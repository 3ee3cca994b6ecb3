import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Glob, globProblem } from './glob.js';

describe('Glob', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['**', 'x', true],
    ['send_email', 'send_email', true],
    ['send_email', 'send_emails', false],
    ['Send_email', 'send_email', false],
    ['db-*', 'db-prod', true],
    ['db-*', 'db-', true],
    ['db-*', 'prod-db', false],
    ['*_read', 'file_read', true],
    ['*_read', 'file_reader', false],
    ['*mail*', 'send_mail_now', true],
    ['*mail*', 'sms', false],
    ['?', 'a', true],
    ['?', '', false],
    ['?', 'ab', false],
    ['file_?', 'file_1', true],
    ['d?-*', 'db-prod', true],
    ['*a*b*c', 'xxaxxbxxc', true],
    ['*a*b*c', 'xxaxxcxxb', false],
    ['a*a*a*a*b', 'a'.repeat(5000), false],
    ['*.*', 'read.file', true],
    ['a.b', 'axb', false],
    ['^$()+|', '^$()+|', true],
  ])('%s on %j is %s', (pattern, name, expected) => {
    expect(new Glob(pattern).test(name)).toBe(expected);
  });

  it.each([
    ['', 'must be a non-empty glob string'],
    ['db-[12]', 'supports only "*" and "?"; "[", "]", "{", "}" and "\\" are not allowed'],
    ['{a,b}', 'supports only "*" and "?"; "[", "]", "{", "}" and "\\" are not allowed'],
    ['a\\*', 'supports only "*" and "?"; "[", "]", "{", "}" and "\\" are not allowed'],
    ['tab\there', 'must not contain control characters'],
    ['x'.repeat(201), 'must be at most 200 characters'],
  ])('refuses %j', (pattern, message) => {
    expect(globProblem(pattern)).toBe(message);
    expect(() => new Glob(pattern)).toThrow(TypeError);
  });

  it('agrees with a reference regular expression on random globs and names', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '_');
    const glob = fc.string({ unit: fc.oneof(alphabet, fc.constantFrom('*', '?')), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(glob, fc.string({ unit: alphabet, maxLength: 10 }), (pattern, name) => {
        const reference = new RegExp(`^${pattern.replace(/[-_]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
        expect(new Glob(pattern).test(name)).toBe(reference.test(name));
      }),
      { numRuns: 3000 },
    );
  });
});
