import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { bullConnection, QUEUES, type DeliverApprovalPayload } from '@gatehouse/queue';

/** How long creating an approval waits for Redis before the call is refused instead. */
const ENQUEUE_TIMEOUT_MS = 2000;

/**
 * The producer side of `approval-notifications`. The job id is the approval
 * id, so a retried enqueue never makes a second job; attempts back off
 * exponentially and a job that runs out of attempts stays failed (the dead
 * letter the API shows).
 */
@Injectable()
export class ApprovalNotificationsQueue implements OnApplicationShutdown {
  private readonly queue: Queue<DeliverApprovalPayload>;

  constructor(@Inject(APP_CONFIG) env: Env) {
    const { connection, prefix } = bullConnection(env);
    this.queue = new Queue<DeliverApprovalPayload>(QUEUES.approvalNotifications.name, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: env.NOTIFICATION_MAX_ATTEMPTS,
        backoff: { type: 'exponential', delay: env.NOTIFICATION_BACKOFF_MS },
        removeOnComplete: { count: 10_000 },
        removeOnFail: false,
      },
    });
    this.queue.on('error', () => undefined);
  }

  async enqueue(payload: DeliverApprovalPayload): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the notification queue did not answer')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.queue.add(QUEUES.approvalNotifications.jobs.deliverApproval, payload, { jobId: payload.approvalId }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
