import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RedisService } from '@gatehouse/redis';
import type { ApprovalStatus } from './approvals.repository.js';

const CHANNEL = 'approvals:decided';
/** If a pub/sub message is lost (Redis restarting), the database still answers within this long. */
const POLL_MS = 2000;

type Settled = Exclude<ApprovalStatus, 'pending'>;

/**
 * Wakes held calls the moment their approval is decided, on whichever api
 * process holds them: the deciding process publishes, every process listens.
 */
@Injectable()
export class ApprovalEvents implements OnModuleInit {
  private readonly logger = new Logger(ApprovalEvents.name);
  private readonly waiters = new Map<string, Set<(status: Settled) => void>>();

  constructor(private readonly redis: RedisService) {}

  onModuleInit(): void {
    // Not awaited: a Redis outage at boot must not stop the api; polling covers it.
    this.redis
      .subscribe(CHANNEL, (message) => {
        const event = parse(message);
        if (event) this.settle(event.id, event.status);
      })
      .catch((err: unknown) => this.logger.warn(`approval events unavailable: ${(err as Error).message}`));
  }

  async publish(id: string, status: Settled): Promise<void> {
    this.settle(id, status);
    await this.redis.publish(CHANNEL, JSON.stringify({ id, status })).catch((err: unknown) => {
      this.logger.warn(`could not publish approval ${id}: ${(err as Error).message}`);
    });
  }

  /**
   * Resolves with the decision, or null when `ms` pass or the signal aborts.
   * `current` reads the stored status: once after subscribing (a decision
   * that landed just before is not missed) and then every few seconds.
   */
  wait(id: string, ms: number, signal: AbortSignal, current: () => Promise<ApprovalStatus | null>): Promise<Settled | null> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (status: Settled | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        signal.removeEventListener('abort', onAbort);
        const set = this.waiters.get(id);
        set?.delete(onEvent);
        if (set?.size === 0) this.waiters.delete(id);
        resolve(status);
      };
      const onEvent = (status: Settled) => finish(status);
      const onAbort = () => finish(null);
      const check = () =>
        void current()
          .then((s) => {
            if (s && s !== 'pending') finish(s);
          })
          .catch(() => undefined);
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(onEvent);
      const timer = setTimeout(() => finish(null), ms);
      const poll = setInterval(check, POLL_MS);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) finish(null);
      else check();
    });
  }

  private settle(id: string, status: Settled): void {
    for (const waiter of [...(this.waiters.get(id) ?? [])]) waiter(status);
  }
}

function parse(message: string): { id: string; status: Settled } | null {
  try {
    const v = JSON.parse(message) as { id?: unknown; status?: unknown };
    if (typeof v.id === 'string' && (v.status === 'approved' || v.status === 'denied' || v.status === 'expired')) return { id: v.id, status: v.status };
  } catch {
    // not ours
  }
  return null;
}
