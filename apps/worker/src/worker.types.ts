import type { Job } from 'bullmq';
import type { JobNameOf, QueueName } from '@gatehouse/queue';

/** Every job of queue Q has a handler (checked at compile time, and again at boot). */
export type QueueHandlers<Q extends QueueName> = Record<JobNameOf<Q>, (job: Job) => Promise<void>>;

/** What WorkerService runs: one queue and a handler per job name. */
export interface QueueProcessor {
  readonly queue: QueueName;
  readonly handlers: Readonly<Partial<Record<string, (job: Job) => Promise<void>>>>;
  /** Per-queue worker options (default concurrency 4). */
  readonly concurrency?: number;
  /** How soon a job held by a dead worker is handed to another (BullMQ defaults: 30 s each). */
  readonly options?: { readonly lockDuration?: number; readonly stalledInterval?: number };
}
