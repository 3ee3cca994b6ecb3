import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ChangeAwareCache } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { RedisService } from '@gatehouse/redis';

export interface McpSession {
  orgId: string;
  credentialId: string;
  gatewayName: string | null;
  gatewayVersion: string | null;
  protocolVersion: string | null;
  createdAt: number;
}

const TTL_SECONDS = 24 * 3600;
const DELETED_CHANNEL = 'mcp:session-deleted';

/**
 * MCP sessions live in Redis, so any api replica serves a session another
 * one opened; each replica keeps a copy to spare a round trip per message,
 * until the session is deleted (published on Redis, every replica forgets
 * it) or expires. While that subscription is down every message reads Redis.
 */
@Injectable()
export class McpSessionStore {
  private readonly local: ChangeAwareCache<McpSession | null>;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) env: Env,
  ) {
    this.local = new ChangeAwareCache(redis.feed(DELETED_CHANNEL), env.DATA_PLANE_CACHE_TTL_SECONDS * 1000);
  }

  async create(session: Omit<McpSession, 'createdAt'>): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await this.redis.client.set(this.redis.key('mcp', 'session', id), JSON.stringify({ ...session, createdAt: Date.now() }), 'EX', TTL_SECONDS);
    return id;
  }

  async get(id: string): Promise<McpSession | null> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) return null;
    const session = await this.local.get(id, async () => {
      const raw = await this.redis.client.get(this.redis.key('mcp', 'session', id));
      return raw ? (JSON.parse(raw) as McpSession) : null;
    });
    // The copy must not outlive the key.
    return session && session.createdAt + TTL_SECONDS * 1000 > Date.now() ? session : null;
  }

  async delete(id: string): Promise<void> {
    this.local.delete(id);
    await this.redis.client.del(this.redis.key('mcp', 'session', id));
    await this.redis.publish(DELETED_CHANNEL, id);
  }
}
