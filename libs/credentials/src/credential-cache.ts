import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ChangeFeed } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { RedisService } from '@gatehouse/redis';

const CHANNEL = 'credentials:invalidate';
const NEGATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

interface Entry<T> {
  value: T | null;
  orgId: string | null;
  credentialId: string | null;
  expiresAt: number;
}

/**
 * Per-process cache in front of credential lookups. Mutations publish the
 * credential (or org) id on Redis and every replica evicts at once; while the
 * subscription is down the cache is bypassed, and it is emptied whenever the
 * subscription is lost or comes back (a message may have been missed), so a
 * revoked credential outlives its revocation by the pub/sub latency, or, if
 * the subscriber's connection died without a word, until its heartbeat
 * notices (10 s at most, RedisService).
 */
@Injectable()
export class CredentialCache implements OnModuleInit {
  private readonly logger = new Logger(CredentialCache.name);
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly ttlMs: number;
  private readonly feed: ChangeFeed;
  /** Moves on every eviction: a load that saw it move may have read what was just changed, and is not kept. */
  private generation = 0;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) config: Env,
  ) {
    this.ttlMs = config.AUTH_CACHE_TTL_SECONDS * 1000;
    this.feed = redis.feed(CHANNEL);
  }

  onModuleInit(): void {
    // Not awaited: until Redis answers, the cache is bypassed.
    this.feed.watch({
      changed: (id) => this.evictLocal(id),
      reset: () => {
        this.generation++;
        this.entries.clear();
      },
    });
  }

  async getOrLoad<T extends { orgId: string; id: string }>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const now = Date.now();
    const usable = this.feed.live;
    if (usable) {
      const hit = this.entries.get(key);
      if (hit && hit.expiresAt > now) return hit.value as T | null;
    }
    const generation = this.generation;
    const value = await load();
    if (usable && generation === this.generation && this.feed.live) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, {
        value,
        orgId: value?.orgId ?? null,
        credentialId: value?.id ?? null,
        expiresAt: now + (value ? this.ttlMs : NEGATIVE_TTL_MS),
      });
    }
    return value;
  }

  /** Evicts a credential (key_…/cli_…) or a whole org (org_…) on every replica. */
  async invalidate(id: string): Promise<void> {
    this.evictLocal(id);
    try {
      await this.redis.publish(CHANNEL, id);
    } catch (err) {
      this.logger.error(`could not publish credential invalidation for ${id}: ${(err as Error).message}`);
      throw err;
    }
  }

  private evictLocal(id: string): void {
    this.generation++;
    const byOrg = id.startsWith('org_');
    for (const [key, entry] of this.entries) {
      if ((byOrg ? entry.orgId : entry.credentialId) === id) this.entries.delete(key);
    }
  }
}
