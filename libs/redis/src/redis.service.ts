import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { ChangeFeed, ChangeListener } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';

type Listener = (message: string) => void;

const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

interface Channel {
  listeners: Set<Listener>;
  /** Told when the channel is lost or subscribed again: messages may have been missed. */
  resets: Set<() => void>;
  /** Subscribed on the current connection, so that every message published from now on arrives. */
  live: boolean;
}

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
  private readonly channels = new Map<string, Channel>();
  /** Moves on every connect and disconnect of the subscriber, so that a SUBSCRIBE answered for an older connection counts for nothing. */
  private connection = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  readonly prefix: string;
  /** The subscriber's CLIENT SETNAME, to find it in CLIENT LIST. */
  readonly subscriberName = `gatehouse-sub-${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(@Inject(APP_CONFIG) config: Env) {
    this.prefix = config.REDIS_KEY_PREFIX;
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true } as const;
    this.client = new Redis(config.REDIS_URL, options);
    // Channels are subscribed again by hand on every connect (ready below), so that each one knows when it is live again.
    this.subscriber = new Redis(config.REDIS_URL, { ...options, maxRetriesPerRequest: null, autoResubscribe: false, connectionName: this.subscriberName });
    for (const conn of [this.client, this.subscriber]) {
      conn.on('error', (err: Error) => this.logger.warn(`redis: ${err.message}`));
    }
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.channels.get(channel)?.listeners ?? []) listener(message);
    });
    this.subscriber.on('ready', () => {
      this.connection++;
      for (const full of this.channels.keys()) void this.subscribeOn(full).catch(() => undefined);
    });
    this.subscriber.on('close', () => {
      this.connection++;
      for (const channel of this.channels.values()) this.setLive(channel, false);
    });
  }

  async onModuleInit(): Promise<void> {
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS).unref();
    await Promise.allSettled([this.client.connect(), this.subscriber.connect()]);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
  }

  /**
   * A subscriber only listens, so a connection lost without a word (a dead peer, a dropped NAT entry) would go
   * unnoticed for minutes while its channels claim to be live. It is asked to answer a PING; if it does not within
   * HEARTBEAT_TIMEOUT_MS it is dropped and opened again, and its channels go through a loss and a return.
   */
  private beat(): void {
    if (this.subscriber.status !== 'ready' || this.channels.size === 0) return;
    const connection = this.connection;
    const timeout = setTimeout(() => {
      if (connection !== this.connection) return;
      this.logger.warn(`redis: the subscriber did not answer a PING within ${HEARTBEAT_TIMEOUT_MS} ms; reconnecting`);
      this.subscriber.disconnect(true);
    }, HEARTBEAT_TIMEOUT_MS).unref();
    this.subscriber.ping().then(
      () => clearTimeout(timeout),
      () => undefined,
    );
  }

  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /** Whether every message published on `channel` from now on reaches this process. */
  isLive(channel: string): boolean {
    return this.channels.get(this.key(channel))?.live ?? false;
  }

  /** Every channel this process listens on (without the key prefix), and whether it is live. */
  channelLiveness(): [string, boolean][] {
    return [...this.channels].map(([full, channel]) => [full.slice(this.prefix.length), channel.live]);
  }

  /** Resolves once the subscription has answered on the current connection; rejects if it fails (Redis down). */
  async subscribe(channel: string, listener: Listener, onReset?: () => void): Promise<void> {
    const full = this.key(channel);
    let entry = this.channels.get(full);
    const added = !entry;
    if (!entry) {
      entry = { listeners: new Set(), resets: new Set(), live: false };
      this.channels.set(full, entry);
    }
    entry.listeners.add(listener);
    if (onReset) entry.resets.add(onReset);
    // Sent now (queued by ioredis until connected); the 'ready' handler subscribes every channel again on each connect.
    if (added || !entry.live) await this.subscribeOn(full);
  }

  /**
   * A channel as a change feed: each message is a changed scope; the feed is
   * live only while its subscription is, and tells its watchers to forget
   * everything when it is lost or comes back.
   */
  feed(channel: string): ChangeFeed {
    const watchers: ChangeListener[] = [];
    // Read on every cached lookup (a session per MCP message): the prefixed name is built once.
    const full = this.key(channel);
    const isLive = () => this.channels.get(full)?.live ?? false;
    let subscribed = false;
    return {
      get live() {
        return isLive();
      },
      watch: (listener: ChangeListener): void => {
        watchers.push(listener);
        if (subscribed) return;
        subscribed = true;
        void this
          .subscribe(
            channel,
            (scope) => watchers.forEach((w) => w.changed(scope)),
            () => watchers.forEach((w) => w.reset()),
          )
          .catch((err: unknown) => this.logger.warn(`${channel}: uncached until Redis answers: ${(err as Error).message}`));
      },
    };
  }

  private async subscribeOn(full: string): Promise<void> {
    const connection = this.connection;
    await this.subscriber.subscribe(full);
    const entry = this.channels.get(full);
    if (entry && connection === this.connection && this.subscriber.status === 'ready') this.setLive(entry, true);
  }

  private setLive(channel: Channel, live: boolean): void {
    if (channel.live === live) return;
    channel.live = live;
    for (const reset of channel.resets) reset();
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.key(channel), message);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }
}
