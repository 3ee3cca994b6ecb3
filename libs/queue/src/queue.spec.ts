import { describe, expect, it } from '@jest/globals';
import { jobNamesOf, QUEUES } from './queues.js';

describe('queues', () => {
  it('lists job names per queue', () => {
    expect(jobNamesOf(QUEUES.maintenance.name)).toEqual(['purge-expired-secrets', 'probe-connectors', 'enforce-audit-retention', 'expire-approvals']);
    expect(jobNamesOf(QUEUES.approvalNotifications.name)).toEqual(['deliver-approval']);
  });
});
