import { describe, expect, it } from '@jest/globals';
import { loggableUrl } from './logger.options.js';

describe('logged URLs', () => {
  it('never carry an approval link token or a query string', () => {
    expect(loggableUrl('/v1/approve/apt_3kTqAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg?action=approve')).toBe('/v1/approve/[redacted]');
    expect(loggableUrl('/v1/approve/anything')).toBe('/v1/approve/[redacted]');
    expect(loggableUrl('/api/audit?cursor=aud_x&limit=5')).toBe('/api/audit');
    expect(loggableUrl('/mcp/acme')).toBe('/mcp/acme');
    expect(loggableUrl(undefined)).toBe('');
  });
});
