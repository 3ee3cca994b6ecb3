import type { Job } from 'bullmq';
import type { JobName } from '@gatehouse/queue';

export type ProcessorHandlers = Partial<Record<JobName, (job: Job) => Promise<void>>>;
