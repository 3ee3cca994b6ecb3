/** Every queue, its job names and payloads, in one typed place (api enqueues, worker processes). */
export const QUEUES = {
  maintenance: {
    name: 'maintenance',
    jobs: {
      purgeExpiredSecrets: 'purge-expired-secrets',
      probeConnectors: 'probe-connectors',
      enforceAuditRetention: 'enforce-audit-retention',
    },
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

export interface JobPayloads {
  'purge-expired-secrets': Record<string, never>;
  'probe-connectors': Record<string, never>;
  'enforce-audit-retention': Record<string, never>;
}

export type JobName = keyof JobPayloads;

/** Job names a queue may carry: the worker refuses to start if one has no handler. */
export function jobNamesOf(queue: QueueName): JobName[] {
  const entry = Object.values(QUEUES).find((q) => q.name === queue);
  return entry ? Object.values<JobName>(entry.jobs) : [];
}
