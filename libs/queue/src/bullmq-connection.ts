import type { ConnectionOptions } from 'bullmq';
import type { Env } from '@gatehouse/config';

/** BullMQ needs maxRetriesPerRequest null on its blocking connections; prefix keeps tenants of a shared Redis apart. */
export function bullConnection(env: Env): { connection: ConnectionOptions; prefix: string } {
  const url = new URL(env.REDIS_URL);
  return {
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      maxRetriesPerRequest: null,
    },
    prefix: `${env.REDIS_KEY_PREFIX}bull`,
  };
}
