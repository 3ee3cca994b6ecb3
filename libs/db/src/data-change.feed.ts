import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import type { ChangeFeed, ChangeListener } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';

/** The channel the `gatehouse_notify_data_change` trigger (migration `…_data_change_notify`) signals, with the row's org id. */
export const DATA_CHANGE_CHANNEL = 'gatehouse_data_changes';
/** How often the listening connection is asked to answer, so that a connection lost without a word is noticed. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Changes to what the data plane reads (gateways, connectors and their
 * tools, policies, agents), as Postgres reports them: a trigger on those
 * tables signals the org id on commit, whoever wrote the row (an api
 * replica, the worker's probe, a cascade, a hand-written UPDATE), and every
 * process listening hears it. One connection per process, opened when the
 * first cache watches. While it is down, or until it has answered its
 * LISTEN, the feed is not live and the caches behind it load every time;
 * each loss and each return tells them to forget everything.
 */
@Injectable()
export class DataChangeFeed implements ChangeFeed, OnModuleDestroy {
  private readonly logger = new Logger(DataChangeFeed.name);
  private readonly listeners = new Set<ChangeListener>();
  private client: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  private started = false;
  private stopped = false;
  private waiters: (() => void)[] = [];
  live = false;

  constructor(@Inject(APP_CONFIG) private readonly config: Env) {}

  watch(listener: ChangeListener): void {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
  }

  /** Resolves once changes are being received (for tests and benches; callers never need to wait). */
  whenLive(): Promise<void> {
    return this.live ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.drop();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: `gatehouse-changes ${process.pid}`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel === DATA_CHANGE_CHANNEL && n.payload) for (const l of this.listeners) l.changed(n.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${DATA_CHANGE_CHANNEL}`);
    } catch (err) {
      this.lost(client, err as Error);
      return;
    }
    if (this.client !== client) return;
    this.retryMs = RETRY_MIN_MS;
    this.live = true;
    // Anything kept before this point may have missed a change; from here on, every change is heard.
    this.reset();
    for (const resolve of this.waiters.splice(0)) resolve();
    this.heartbeat = setInterval(() => this.beat(client), HEARTBEAT_MS).unref();
  }

  private beat(client: pg.Client): void {
    const timeout = setTimeout(() => this.lost(client, new Error(`no answer in ${HEARTBEAT_TIMEOUT_MS} ms`)), HEARTBEAT_TIMEOUT_MS).unref();
    client.query('SELECT 1').then(
      () => clearTimeout(timeout),
      (err: unknown) => {
        clearTimeout(timeout);
        this.lost(client, err as Error);
      },
    );
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    const wasLive = this.live;
    void this.drop();
    this.reset();
    if (this.stopped) return;
    if (wasLive) this.logger.warn(`data-plane caches bypassed until Postgres's change feed is back: ${err.message}`);
    this.retry = setTimeout(() => void this.connect(), this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.live = false;
    clearInterval(this.heartbeat);
    if (!client) return;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    await client.end().catch(() => undefined);
  }

  private reset(): void {
    for (const l of this.listeners) l.reset();
  }
}
