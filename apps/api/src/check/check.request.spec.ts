import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createValidationPipe } from '../http/validation.pipe.js';
import { CheckRequestDto, plainCheckRequest } from './check.request.js';

const pipe = createValidationPipe();
const metadata = { type: 'body' as const, metatype: CheckRequestDto };

/** What the Nest route hands the service: the pipe's output as plain data, or 'invalid'. */
async function viaPipe(body: unknown): Promise<unknown> {
  try {
    return JSON.parse(JSON.stringify(await pipe.transform(structuredClone(body), metadata))) as unknown;
  } catch {
    return 'invalid';
  }
}

const name = fc.oneof(
  fc.string({ minLength: 0, maxLength: 210 }),
  fc.string({ unit: 'grapheme', minLength: 0, maxLength: 205 }),
  fc.constantFrom('', 'a', 'x'.repeat(200), 'x'.repeat(201), '\uFE0F', '😀'.repeat(150), 'send_email'),
  fc.integer(),
  fc.constant(undefined),
);
const args = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue(),
  fc.constantFrom(
    { constructor: 'x' },
    { a: [{ prototype: 1 }] },
    JSON.parse('{"__proto__":{"admin":true}}') as unknown,
    { toString: 0 },
    { nested: { valueOf: 'x', hasOwnProperty: 1 } },
  ),
);
const body = fc.oneof(
  fc.record({ serverName: name, toolName: name, args }, { requiredKeys: [] }),
  fc.record({ serverName: name, toolName: name, extra: fc.jsonValue() }),
  fc.jsonValue(),
);

describe('plainCheckRequest', () => {
  it('accepts only what the ValidationPipe accepts, and hands the service the same request', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const plain = plainCheckRequest(structuredClone(b));
        if (plain === null) return;
        expect(JSON.parse(JSON.stringify(plain))).toEqual(await viaPipe(b));
      }),
      { numRuns: 500 },
    );
  });

  it('takes the ordinary bodies itself and leaves the odd ones to the pipe', () => {
    expect(plainCheckRequest({ serverName: 'demo', toolName: 'send_email', args: { to: 'a@b.c' } })).toEqual({ serverName: 'demo', toolName: 'send_email', args: { to: 'a@b.c' } });
    expect(plainCheckRequest({ serverName: 'demo', toolName: 'x' })).toEqual({ serverName: 'demo', toolName: 'x' });
    expect(plainCheckRequest({ serverName: 'demo', toolName: 'x', args: null })).toEqual({ serverName: 'demo', toolName: 'x', args: null });
    for (const odd of [
      { serverName: '', toolName: 'x' },
      { serverName: 'x'.repeat(201), toolName: 'x' },
      { serverName: '😀', toolName: 'x' },
      { serverName: 'a', toolName: 'x', extra: 1 },
      { serverName: 'a', toolName: 'x', args: { nested: { constructor: 1 } } },
      JSON.parse('{"serverName":"a","toolName":"x","__proto__":{}}') as unknown,
      [],
      null,
      'text',
    ]) {
      expect(plainCheckRequest(odd)).toBeNull();
    }
  });
});
