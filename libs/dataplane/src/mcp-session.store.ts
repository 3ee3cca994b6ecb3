import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisService } from '@gatehouse/redis';
import { TtlCache } from '@gatehouse/common';

export interface McpSession {
  orgId: string;
  credentialId: string;
  gatewayName: string | null;
  gatewayVersion: string | null;
  protocolVersion: string | null;
  createdAt: number;
}

const TTL_SECONDS = 24 * 3600;

/**
 * MCP sessions live in Redis, so any api replica serves a session another
 * one opened; each replica keeps a short-lived copy to spare a round trip
 * per message. A deleted session is gone everywhere within that second.
 */
@Injectable()
export class McpSessionStore {
  private readonly local = new TtlCache<McpSession | null>(1000);

  constructor(private readonly redis: RedisService) {}

  async create(session: Omit<McpSession, 'createdAt'>): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await this.redis.client.set(this.redis.key('mcp', 'session', id), JSON.stringify({ ...session, createdAt: Date.now() }), 'EX', TTL_SECONDS);
    return id;
  }

  async get(id: string): Promise<McpSession | null> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) return null;
    return this.local.get(id, async () => {
      const raw = await this.redis.client.get(this.redis.key('mcp', 'session', id));
      return raw ? (JSON.parse(raw) as McpSession) : null;
    });
  }

  async delete(id: string): Promise<void> {
    this.local.delete(id);
    await this.redis.client.del(this.redis.key('mcp', 'session', id));
  }
}
