import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { findRepoRoot } from '@gatehouse/common';
import { parseEnv } from '@gatehouse/config';
import { createApp } from './app.setup.js';
import { buildOpenApiDocument } from './openapi.js';

/**
 * Writes (--write) or checks (--check) docs/openapi.json against the code.
 * Placeholder secrets: the document does not depend on configuration.
 */
const mode = process.argv.includes('--write') ? 'write' : 'check';
const env = parseEnv({
  ADMIN_API_KEY: randomBytes(32).toString('hex'),
  JWT_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: 'silent',
});
const app = await createApp(env, { logs: false });
const generated = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
const path = join(findRepoRoot(), 'docs/openapi.json');

if (mode === 'write') {
  writeFileSync(path, generated);
  console.log(`wrote ${path}`);
} else {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // reported below
  }
  if (committed !== generated) {
    console.error('docs/openapi.json is out of date: run `npm run build && npm run openapi:generate` and commit it');
    process.exit(1);
  }
  console.log('docs/openapi.json is up to date');
}
process.exit(0);
