import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';

const FLUSH_EVERY_MS = 5_000;

/**
 * `last_used_at` and agents' `last_seen_at` move without a write per request: uses are collected in
 * memory and flushed in one statement per table every few seconds.
 */
@Injectable()
export class LastUsedTracker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LastUsedTracker.name);
  private apiKeys = new Map<string, Date>();
  private clients = new Map<string, Date>();
  private agents = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly prisma: PrismaService) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  touch(kind: 'api_key' | 'oauth_client', id: string, agentId: string | null): void {
    const now = new Date();
    (kind === 'api_key' ? this.apiKeys : this.clients).set(id, now);
    if (agentId) this.agents.set(agentId, now);
  }

  async flush(): Promise<void> {
    const keys = this.apiKeys;
    const clients = this.clients;
    const agents = this.agents;
    this.apiKeys = new Map();
    this.clients = new Map();
    this.agents = new Map();
    try {
      await this.write('api_keys', 'last_used_at', keys);
      await this.write('oauth_clients', 'last_used_at', clients);
      await this.write('agents', 'last_seen_at', agents);
    } catch (err) {
      this.logger.warn(`last_used_at flush failed: ${(err as Error).message}`);
    }
  }

  private async write(
    table: 'api_keys' | 'oauth_clients' | 'agents',
    column: 'last_used_at' | 'last_seen_at',
    uses: Map<string, Date>,
  ): Promise<void> {
    if (uses.size === 0) return;
    const ids = [...uses.keys()];
    const times = ids.map((id) => uses.get(id)!.toISOString());
    // One statement for the whole batch; GREATEST keeps a later value written by another replica.
    const sql = `UPDATE ${table} AS t SET ${column} = GREATEST(t.${column}, v.at)
      FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE t.id = v.id`;
    await this.prisma.$executeRawUnsafe(sql, ids, times);
  }
}
