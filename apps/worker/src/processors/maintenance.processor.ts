import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { SecretHygieneService } from '@gatehouse/credentials';
import { QUEUES, type JobName } from '@gatehouse/queue';
import type { ProcessorHandlers } from '../worker.types.js';

/** Thin: each job hands over to a domain service; errors propagate so BullMQ retries. */
@Injectable()
export class MaintenanceProcessor {
  readonly queue = QUEUES.maintenance.name;
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(private readonly hygiene: SecretHygieneService) {}

  readonly handlers: ProcessorHandlers = {
    'purge-expired-secrets': async (_job: Job) => {
      const purged = await this.hygiene.purgeExpiredPreviousSecrets();
      if (purged) this.logger.log(`forgot ${purged} expired previous secret(s)`);
    },
  } satisfies Record<JobName, unknown>;
}
