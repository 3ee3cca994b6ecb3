import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { ApprovalDeliveryService, NotificationUndeliverable } from '@gatehouse/notifications';
import { QUEUES, type DeliverApprovalPayload } from '@gatehouse/queue';
import type { QueueHandlers } from '../worker.types.js';

/** Thin: hands the job to the delivery service; a failure is rethrown so BullMQ retries with backoff. */
@Injectable()
export class ApprovalNotificationsProcessor {
  readonly queue = QUEUES.approvalNotifications.name;
  /** A dead worker's job is picked up again within about 15 s, not BullMQ's default minute. */
  readonly options = { lockDuration: 10_000, stalledInterval: 5_000 };
  private readonly logger = new Logger(ApprovalNotificationsProcessor.name);

  constructor(private readonly delivery: ApprovalDeliveryService) {}

  readonly handlers: QueueHandlers<typeof QUEUES.approvalNotifications.name> = {
    'deliver-approval': async (job: Job) => {
      const data = job.data as DeliverApprovalPayload;
      try {
        const result = await this.delivery.deliver(data, { attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
        if (result.kind === 'skipped') this.logger.log(`approval ${data.approvalId}: not delivered (${result.reason})`);
      } catch (err) {
        if (err instanceof NotificationUndeliverable) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
  };
}
