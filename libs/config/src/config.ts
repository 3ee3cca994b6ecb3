import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { findRepoRoot } from '@gatehouse/common';
import { envSchema, type Env } from './env.schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** Parses an environment map; pure, so it is what tests exercise. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    const given = source[name];
    let message = issue.message;
    if (issue.code === 'invalid_type') message = given === undefined ? 'is required' : `must be a ${issue.expected} (got "${given}")`;
    return `${name} ${message}`;
  });
  throw new ConfigError(problems);
}


/**
 * Reads `.env` at the repo root (if any) beneath the real environment, then
 * validates once. On failure the process stops with one line per problem.
 */
export function loadConfigOrExit(): Env {
  const dotenvPath = join(findRepoRoot(), '.env');
  if (existsSync(dotenvPath)) loadDotenv({ path: dotenvPath, quiet: true });
  try {
    return parseEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`config error: ${p}\n`);
      process.exit(1);
    }
    throw err;
  }
}
