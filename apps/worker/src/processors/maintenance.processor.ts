import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AuditLogService } from '@gatehouse/audit';
import { ConnectorsService } from '@gatehouse/connectors';
import { SecretHygieneService } from '@gatehouse/credentials';
import { ApprovalsService } from '@gatehouse/approvals';
import { QUEUES } from '@gatehouse/queue';
import type { QueueHandlers } from '../worker.types.js';

/** Thin: each job hands over to a domain service; errors propagate so BullMQ retries. */
@Injectable()
export class MaintenanceProcessor {
  readonly queue = QUEUES.maintenance.name;
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly hygiene: SecretHygieneService,
    private readonly connectors: ConnectorsService,
    private readonly auditLog: AuditLogService,
    private readonly approvals: ApprovalsService,
  ) {}

  readonly handlers: QueueHandlers<typeof QUEUES.maintenance.name> = {
    'purge-expired-secrets': async (_job: Job) => {
      const purged = await this.hygiene.purgeExpiredPreviousSecrets();
      if (purged) this.logger.log(`forgot ${purged} expired previous secret(s)`);
    },
    'probe-connectors': async (_job: Job) => {
      const probed = await this.connectors.probeAll();
      this.logger.log(`probed ${probed} connector(s)`);
    },
    'enforce-audit-retention': async (_job: Job) => {
      const deleted = await this.auditLog.enforceAllRetention();
      if (deleted) this.logger.log(`deleted ${deleted} audit entr(ies) past retention`);
    },
    'expire-approvals': async (_job: Job) => {
      const { expired, purgedGrants } = await this.approvals.expireStale();
      if (expired || purgedGrants) this.logger.log(`expired ${expired} approval(s), deleted ${purgedGrants} long-ended grant(s)`);
    },
  };
}
