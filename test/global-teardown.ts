import { Redis } from 'ioredis';
import pg from 'pg';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const prefix = process.env.REDIS_KEY_PREFIX;
  if (url && new URL(url).pathname.startsWith('/gh_test_')) {
    const db = new URL(url).pathname.slice(1);
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await client.end();
  }
  if (prefix?.startsWith('ghtest:')) {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}
