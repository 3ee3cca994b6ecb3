import { describe, expect, it } from '@jest/globals';
import { maskChannelUrl } from './channel-url.js';

describe('channel URL masking', () => {
  it('hides the secret part of a Slack webhook URL', () => {
    const url = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXabcd';
    const masked = maskChannelUrl(url);
    expect(masked).toBe('https://hooks.slack.com/services/…abcd');
    expect(masked).not.toContain('T00000000');
  });

  it('hides tokens in paths, queries and credentials; keeps short plain endpoints recognisable', () => {
    expect(maskChannelUrl('https://ops.example.com/hooks/gatehouse?token=s3cr3t-value-123')).toBe('https://ops.example.com/hooks/…-123');
    expect(maskChannelUrl('https://user:pw@ops.example.com/in')).toBe('https://ops.example.com/in');
    expect(maskChannelUrl('http://127.0.0.1:8080/hook/a')).toBe('http://127.0.0.1:8080/hook/…');
    expect(maskChannelUrl('https://ops.example.com')).toBe('https://ops.example.com');
    expect(maskChannelUrl('not a url')).toBe('…');
  });
});
