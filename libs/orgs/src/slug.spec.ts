import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateSlug } from './slug.js';

describe('validateSlug', () => {
  it.each(['acme', 'a1b', 'acme-corp', 'x'.repeat(40)])('accepts %s', (slug) => expect(validateSlug(slug)).toBeNull());

  it.each(['ab', 'Acme', '-acme', 'acme-', 'ac_me', 'x'.repeat(41), 'a--b', 'admin', 'acme corp'])('rejects %s', (slug) =>
    expect(validateSlug(slug)).not.toBeNull(),
  );

  it('never accepts a slug outside the pattern', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        if (validateSlug(s) === null) expect(s).toMatch(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/);
      }),
    );
  });
});
