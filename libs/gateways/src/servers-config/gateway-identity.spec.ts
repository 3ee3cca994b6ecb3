import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  formatGatewayVersion,
  gatewayNameProblem,
  gatewayVersionProblem,
  isGatewayName,
  isGatewayVersion,
  nextGatewayVersion,
  parseGatewayVersion,
} from './gateway-identity.js';

describe('gateway names', () => {
  it.each(['my-dev-gateway', 'a', 'A_1', '0gw', 'x'.repeat(32)])('accepts %s', (name) => expect(isGatewayName(name)).toBe(true));

  it.each([
    ['', 'must be a non-empty string'],
    [7, 'must be a non-empty string'],
    ['x'.repeat(33), 'must be at most 32 characters (got 33)'],
    ['-lead', 'must start with a letter or digit and contain only letters, digits, "_" and "-"'],
    ['has space', 'must start with a letter or digit and contain only letters, digits, "_" and "-"'],
    ['émile', 'must start with a letter or digit and contain only letters, digits, "_" and "-"'],
  ])('rejects %j: %s', (name, message) => expect(gatewayNameProblem(name)).toBe(message));
});

describe('gateway versions', () => {
  it.each(['v1', 'v2', 'v10', 'v123456789'])('accepts %s', (v) => expect(isGatewayVersion(v)).toBe(true));
  it.each(['v0', 'v01', 'V1', '1', 'v', 'v1.0', 'v-1', ' v1'])('rejects %s', (v) => expect(gatewayVersionProblem(v)).not.toBeNull());

  it('parses and formats as inverses', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 999_999_999 }), (n) => expect(parseGatewayVersion(formatGatewayVersion(n))).toBe(n)));
    expect(parseGatewayVersion('v01')).toBeNull();
    expect(() => formatGatewayVersion(0)).toThrow(RangeError);
  });

  it('numbers a new version one past the highest', () => {
    expect(nextGatewayVersion([])).toBe('v1');
    expect(nextGatewayVersion(['v1', 'v3', 'v2'])).toBe('v4');
    expect(nextGatewayVersion(['v9', 'v10'])).toBe('v11');
    expect(nextGatewayVersion(['junk', 'v2'])).toBe('v3');
  });
});
