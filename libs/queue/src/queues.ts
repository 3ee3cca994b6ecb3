/** Every queue, its job names and payloads, in one typed place (api enqueues, worker processes). */
export const QUEUES = {
  maintenance: {
    name: 'maintenance',
    jobs: {
      purgeExpiredSecrets: 'purge-expired-secrets',
      probeConnectors: 'probe-connectors',
      enforceAuditRetention: 'enforce-audit-retention',
      expireApprovals: 'expire-approvals',
    },
  },
  approvalNotifications: {
    name: 'approval-notifications',
    jobs: {
      deliverApproval: 'deliver-approval',
    },
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

/** What the worker needs to tell people about an approval; the link token travels sealed. */
export interface DeliverApprovalPayload {
  approvalId: string;
  orgId: string;
  sealedToken: string;
}

export interface JobPayloads {
  'purge-expired-secrets': Record<string, never>;
  'probe-connectors': Record<string, never>;
  'enforce-audit-retention': Record<string, never>;
  'expire-approvals': Record<string, never>;
  'deliver-approval': DeliverApprovalPayload;
}

export type JobName = keyof JobPayloads;

type JobsOf<E> = E extends { jobs: infer J } ? J[keyof J] : never;
/** The job names of one queue, as a type. */
export type JobNameOf<Q extends QueueName> = JobsOf<Extract<(typeof QUEUES)[keyof typeof QUEUES], { name: Q }>>;

/** Job names a queue may carry: the worker refuses to start if one has no handler. */
export function jobNamesOf(queue: QueueName): JobName[] {
  const entry = Object.values(QUEUES).find((q) => q.name === queue);
  return entry ? Object.values<JobName>(entry.jobs) : [];
}
