import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type Env } from '@gatehouse/config';

type Listener = (message: string) => void;

/**
 * One command connection and one subscriber connection per process. Keys and
 * channels are namespaced by REDIS_KEY_PREFIX so that test runs and tenants of a
 * shared Redis cannot collide.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: Env) {
    this.prefix = config.REDIS_KEY_PREFIX;
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true } as const;
    this.client = new Redis(config.REDIS_URL, options);
    this.subscriber = new Redis(config.REDIS_URL, { ...options, maxRetriesPerRequest: null });
    for (const conn of [this.client, this.subscriber]) {
      conn.on('error', (err: Error) => this.logger.warn(`redis: ${err.message}`));
    }
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
  }

  async onModuleInit(): Promise<void> {
    await Promise.allSettled([this.client.connect(), this.subscriber.connect()]);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
  }

  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /** Whether pub/sub messages are currently being received. */
  get subscribed(): boolean {
    return this.subscriber.status === 'ready';
  }

  async subscribe(channel: string, listener: Listener): Promise<void> {
    const full = this.key(channel);
    let set = this.listeners.get(full);
    if (!set) {
      set = new Set();
      this.listeners.set(full, set);
      await this.subscriber.subscribe(full);
    }
    set.add(listener);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.key(channel), message);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }
}
