import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseEnv } from './config.js';

const valid = {
  ADMIN_API_KEY: 'a'.repeat(40),
  JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIA==\\n-----END PRIVATE KEY-----',
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('parseEnv', () => {
  it('applies defaults', () => {
    const env = parseEnv(valid);
    expect(env.PORT).toBe(8080);
    expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/gatehouse');
    expect(env.JWT_PRIVATE_KEY).toContain('\n');
  });

  it('names every problem on its own line', () => {
    try {
      parseEnv({ PORT: 'eighty', ADMIN_API_KEY: 'short', REDIS_URL: 'http://x' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^PORT /),
          'ADMIN_API_KEY must be at least 32 characters',
          'REDIS_URL must be a redis:// or rediss:// URL',
          'JWT_PRIVATE_KEY is required',
          'ENCRYPTION_KEY is required',
        ]),
      );
    }
  });
});
