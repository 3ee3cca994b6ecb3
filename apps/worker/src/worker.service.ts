import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { bullConnection, jobNamesOf, QUEUES } from '@gatehouse/queue';
import { ApprovalNotificationsProcessor } from './processors/approval-notifications.processor.js';
import { MaintenanceProcessor } from './processors/maintenance.processor.js';
import type { QueueProcessor } from './worker.types.js';

/**
 * Starts one BullMQ Worker per processor. It refuses to start when a job name
 * declared in libs/queue has no handler, and on shutdown lets the job in hand
 * finish before closing.
 */
@Injectable()
export class WorkerService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerService.name);
  private readonly workers: Worker[] = [];
  private readonly queues: Queue[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly env: Env,
    private readonly maintenance: MaintenanceProcessor,
    private readonly approvalNotifications: ApprovalNotificationsProcessor,
  ) {}

  async onModuleInit(): Promise<void> {
    const { connection, prefix } = bullConnection(this.env);
    const processors: QueueProcessor[] = [this.maintenance, this.approvalNotifications];
    for (const processor of processors) {
      const missing = jobNamesOf(processor.queue).filter((name) => !processor.handlers[name]);
      if (missing.length) throw new Error(`queue ${processor.queue}: no handler for job(s) ${missing.join(', ')}`);
      const worker = new Worker(
        processor.queue,
        async (job) => {
          const handler = processor.handlers[job.name];
          if (!handler) throw new Error(`no handler for job ${job.name}`);
          await handler(job);
        },
        { connection, prefix, concurrency: processor.concurrency ?? 4, autorun: true, ...processor.options },
      );
      worker.on('failed', (job, err) => this.logger.warn(`job ${job?.name ?? '?'} (${job?.id ?? '?'}) failed: ${err.message}`));
      worker.on('error', (err) => this.logger.error(`worker error: ${err.message}`));
      this.workers.push(worker);
    }
    const maintenance = new Queue(QUEUES.maintenance.name, { connection, prefix });
    this.queues.push(maintenance);
    await maintenance.upsertJobScheduler('purge-expired-secrets-every-10m', { every: 10 * 60_000 }, {
      name: QUEUES.maintenance.jobs.purgeExpiredSecrets,
      data: {},
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
    await maintenance.upsertJobScheduler('probe-connectors', { every: this.env.CONNECTOR_PROBE_INTERVAL_SECONDS * 1000 }, {
      name: QUEUES.maintenance.jobs.probeConnectors,
      data: {},
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
    await maintenance.upsertJobScheduler('enforce-audit-retention', { every: 3600_000 }, {
      name: QUEUES.maintenance.jobs.enforceAuditRetention,
      data: {},
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
    await maintenance.upsertJobScheduler('expire-approvals', { every: 30_000 }, {
      name: QUEUES.maintenance.jobs.expireApprovals,
      data: {},
      opts: { removeOnComplete: 100, removeOnFail: 1000 },
    });
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.logger.log(`worker ready: ${this.workers.map((w) => w.name).join(', ')}`);
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`worker stopping${signal ? ` on ${signal}` : ''}; finishing jobs in hand`);
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.queues.map((q) => q.close()));
    this.logger.log('worker stopped');
  }
}
