import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { parseEnv, type Env } from '@gatehouse/config';
import { createApp } from '../../../apps/api/src/app.setup.js';
import { ensureMigrated } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  env: Env;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real api (real Postgres, real Redis) on an ephemeral port. */
export async function startTestApp(overrides: Record<string, string> = {}, opts: { migrate?: boolean } = {}): Promise<TestApp> {
  const env = parseEnv({ ...process.env, ...overrides });
  if (opts.migrate !== false) await ensureMigrated(env.DATABASE_URL);
  const app = await createApp(env, { logs: false });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  return { app, env, http: request(server), close: () => app.close() };
}
