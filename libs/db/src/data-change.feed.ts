import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ChangeAwareCache, type ChangeFeed, type ChangeListener } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';

/** The channel the `gatehouse_notify_data_change` trigger (migration `…_data_change_notify`) signals, with the row's org id. */
export const DATA_CHANGE_CHANNEL = 'gatehouse_data_changes';
/** The trigger's payload for a TRUNCATE, which names no org: every replica forgets everything. */
const EVERYTHING = '*';
/**
 * How often the feed signals itself on the channel and waits to hear it back, so that a connection lost without
 * a word, or one through a pooler that does not deliver notifications, is noticed within HEARTBEAT_MS + TIMEOUT.
 */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;
const HEARTBEAT_PREFIX = 'heartbeat:';
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;
const END_TIMEOUT_MS = 1_000;

/**
 * Changes to what the data plane reads (gateways, connectors and their
 * tools, policies, agents), as Postgres reports them: a trigger on those
 * tables signals the org id on commit, whoever wrote the row (an api
 * replica, the worker's probe, a cascade, a hand-written UPDATE), and every
 * process listening hears it. One connection per process, opened when the
 * first cache watches. While it is down, or until it has answered its
 * LISTEN, the feed is not live and the caches behind it load every time;
 * each loss and each return tells them to forget everything. The listening
 * connection must reach Postgres itself: a transaction-mode pooler does not
 * deliver notifications, which the heartbeat notices (the feed then never
 * stays live, and says so).
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
  private complained = false;
  /** Echoes this process is waiting for, by payload. */
  private readonly awaitedEchoes = new Map<string, () => void>();
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

  /** A cache kept until its org changes (keys `<orgId>:…`), with DATA_PLANE_CACHE_TTL_SECONDS as the backstop. */
  cache<V>(): ChangeAwareCache<V> {
    return new ChangeAwareCache<V>(this, this.config.DATA_PLANE_CACHE_TTL_SECONDS * 1000);
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
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // LISTEN and the heartbeat's pg_notify on a half-open socket must fail, not wait for TCP to give up.
      query_timeout: HEARTBEAT_TIMEOUT_MS,
    });
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel === DATA_CHANGE_CHANNEL && n.payload) this.heard(n.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${DATA_CHANGE_CHANNEL}`);
      // Live only once a notification has come back on this connection: LISTEN also succeeds through a pooler that
      // never delivers one.
      await this.echo(client);
    } catch (err) {
      this.lost(client, err as Error);
      return;
    }
    if (this.client !== client) return;
    this.retryMs = RETRY_MIN_MS;
    this.live = true;
    if (this.complained) this.logger.log(`data-plane caches back in use: Postgres's change feed is live again`);
    this.complained = false;
    // Anything kept before this point may have missed a change; from here on, every change is heard.
    this.reset();
    for (const resolve of this.waiters.splice(0)) resolve();
    this.heartbeat = setInterval(() => void this.echo(client).catch((err: unknown) => this.lost(client, err as Error)), HEARTBEAT_MS).unref();
  }

  private heard(payload: string): void {
    if (payload.startsWith(HEARTBEAT_PREFIX)) {
      // This process's own echo is answered; another replica's is none of its business.
      this.awaitedEchoes.get(payload)?.();
      return;
    }
    if (payload === EVERYTHING) this.reset();
    else for (const l of this.listeners) l.changed(payload);
  }

  /** Signals the channel and waits to hear it back: proves the connection, and that notifications are delivered on it. */
  private echo(client: pg.Client): Promise<void> {
    const payload = `${HEARTBEAT_PREFIX}${process.pid}:${randomUUID()}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`its own notification did not come back within ${HEARTBEAT_TIMEOUT_MS} ms`)), HEARTBEAT_TIMEOUT_MS);
      timer.unref();
      const settle = (err?: Error) => {
        clearTimeout(timer);
        this.awaitedEchoes.delete(payload);
        if (err) reject(err);
        else resolve();
      };
      this.awaitedEchoes.set(payload, () => settle());
      client.query('SELECT pg_notify($1, $2)', [DATA_CHANGE_CHANNEL, payload]).catch((err: unknown) => settle(err as Error));
    });
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    void this.drop();
    this.reset();
    if (this.stopped) return;
    if (!this.complained) this.logger.warn(`data-plane caches bypassed until Postgres's change feed is live: ${err.message}`);
    this.complained = true;
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
    // A half-open socket can keep end() waiting: after END_TIMEOUT_MS it is destroyed instead.
    const ended = await Promise.race([
      client.end().then(
        () => true,
        () => true,
      ),
      new Promise<false>((r) => setTimeout(() => r(false), END_TIMEOUT_MS).unref()),
    ]);
    if (!ended) client.connection.stream.destroy();
  }

  private reset(): void {
    for (const l of this.listeners) l.reset();
  }
}
