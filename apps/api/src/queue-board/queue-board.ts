import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { Router } from 'express';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { bullConnection, QUEUES } from '@gatehouse/queue';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over every queue, for platform admins: job counts per state,
 * the failed (dead-lettered) notification jobs with their reasons, retry.
 * Job data holds only ids and the sealed link token, never a token in clear.
 */
@Injectable()
export class QueueBoard implements OnApplicationShutdown {
  private readonly queues: Queue[];
  private readonly adapter = new ExpressAdapter();

  constructor(@Inject(APP_CONFIG) env: Env) {
    const { connection, prefix } = bullConnection(env);
    this.queues = Object.values(QUEUES).map((q) => {
      const queue = new Queue(q.name, { connection, prefix });
      queue.on('error', () => undefined);
      return queue;
    });
    this.adapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: this.queues.map((q) => new BullMQAdapter(q)),
      serverAdapter: this.adapter,
      options: { uiConfig: { boardTitle: 'Gatehouse queues' } },
    });
  }

  router(): Router {
    return this.adapter.getRouter() as Router;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
