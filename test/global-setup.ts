import { generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * One fresh database and one Redis key prefix per test run, so runs never see
 * each other's data and can repeat. Workers inherit the variables set here;
 * the first test app to start migrates the database (libs/testing). This file
 * is loaded outside Jest's module mapper, so it imports nothing of ours.
 */
export default function globalSetup(): void {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/gh_test_${runId}`;
  const { privateKey } = generateKeyPairSync('ed25519');
  Object.assign(process.env, {
    NODE_ENV: 'test',
    GH_TEST_RUN_ID: runId,
    DATABASE_URL: base.toString(),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `ghtest:${runId}:`,
    ADMIN_API_KEY: randomBytes(32).toString('base64url'),
    JWT_PRIVATE_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    JWT_ISSUER: 'http://gatehouse.test',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
}
