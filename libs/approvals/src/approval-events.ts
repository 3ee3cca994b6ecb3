import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RedisService } from '@gatehouse/redis';
import type { ApprovalStatus } from './approvals.repository.js';

const CHANNEL = 'approvals:decided';
/** If a pub/sub message is lost (Redis restarting), the database still answers within this long. */
const POLL_MS = 2000;

type Settled = Exclude<ApprovalStatus, 'pending'>;

/** A decision as it travels between processes; `grant` says whether it made a grant (then nothing needs consuming). */
export interface ApprovalEvent {
  status: Settled;
  grant: boolean;
}

/**
 * Wakes held calls the moment their approval is decided, on whichever api
 * process holds them: the deciding process publishes, every process listens.
 */
@Injectable()
export class ApprovalEvents implements OnModuleInit {
  private readonly logger = new Logger(ApprovalEvents.name);
  private readonly waiters = new Map<string, Set<(event: ApprovalEvent) => void>>();

  constructor(private readonly redis: RedisService) {}

  onModuleInit(): void {
    // Not awaited: a Redis outage at boot must not stop the api; polling covers it.
    this.redis
      .subscribe(CHANNEL, (message) => {
        const event = parse(message);
        if (event) this.settle(event.id, event);
      })
      .catch((err: unknown) => this.logger.warn(`approval events unavailable: ${(err as Error).message}`));
  }

  async publish(id: string, event: ApprovalEvent): Promise<void> {
    this.settle(id, event);
    await this.redis.publish(CHANNEL, JSON.stringify({ id, ...event })).catch((err: unknown) => {
      this.logger.warn(`could not publish approval ${id}: ${(err as Error).message}`);
    });
  }

  /**
   * Resolves with the decision, or null when `ms` pass or the signal aborts.
   * `current` reads the stored status: once after subscribing (a decision
   * that landed just before is not missed) and then every few seconds.
   */
  wait(id: string, ms: number, signal: AbortSignal, current: () => Promise<ApprovalEvent | null>): Promise<ApprovalEvent | null> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (event: ApprovalEvent | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        signal.removeEventListener('abort', onAbort);
        const set = this.waiters.get(id);
        set?.delete(onEvent);
        if (set?.size === 0) this.waiters.delete(id);
        resolve(event);
      };
      const onEvent = (event: ApprovalEvent) => finish(event);
      const onAbort = () => finish(null);
      const check = () =>
        void current()
          .then((event) => {
            if (event) finish(event);
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

  private settle(id: string, event: ApprovalEvent): void {
    for (const waiter of [...(this.waiters.get(id) ?? [])]) waiter(event);
  }
}

function parse(message: string): ({ id: string } & ApprovalEvent) | null {
  try {
    const v = JSON.parse(message) as { id?: unknown; status?: unknown; grant?: unknown };
    if (typeof v.id === 'string' && (v.status === 'approved' || v.status === 'denied' || v.status === 'expired')) {
      return { id: v.id, status: v.status, grant: v.grant === true };
    }
  } catch {
    // not ours
  }
  return null;
}
