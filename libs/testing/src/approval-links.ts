import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { newId } from '@gatehouse/common';
import { ApprovalsRepository, newApprovalToken, openApprovalToken, type Approval, type NewApproval } from '@gatehouse/approvals';
import { bullConnection, QUEUES, type DeliverApprovalPayload } from '@gatehouse/queue';
import type { TestApp } from './test-app.js';
import type { TestOrg } from './factories.js';

export interface ApprovalWithToken {
  approval: Approval;
  /** The raw single-use link token (only notification channels ever see it). */
  token: string;
}

/**
 * A pending approval written straight through the repository, with its raw
 * link token: for tests of the link pages that need no policy or data-plane
 * call. Unique connector/tool names unless given.
 */
export async function createApprovalWithToken(
  t: TestApp,
  org: Pick<TestOrg, 'id'>,
  over: Partial<Pick<Approval, 'credentialId' | 'connectorName' | 'toolName' | 'argsSummary' | 'reason' | 'agentId' | 'expiresAt'>> = {},
): Promise<ApprovalWithToken> {
  const { token, hash } = newApprovalToken();
  const data: NewApproval = {
    id: newId('appr'),
    orgId: org.id,
    tokenHash: hash,
    source: 'check',
    credentialId: over.credentialId ?? `key_test${randomBytes(4).toString('hex')}`,
    credentialName: null,
    agentId: over.agentId ?? null,
    gatewayId: null,
    connectorId: null,
    connectorName: over.connectorName ?? `conn-${randomBytes(3).toString('hex')}`,
    toolName: over.toolName ?? 'send_email',
    argsSummary: over.argsSummary ?? { to: '[not stored]' },
    argsDigest: randomBytes(16).toString('base64url'),
    reason: over.reason ?? 'matched rule 0 of policy "test"',
    policyId: null,
    expiresAt: over.expiresAt ?? new Date(Date.now() + 15 * 60_000),
  };
  const key = { orgId: data.orgId, credentialId: data.credentialId, connectorName: data.connectorName, toolName: data.toolName };
  // A fresh random digest: always a new approval. A past expiry is created as given.
  const { approval } = await t.app.get(ApprovalsRepository).findOrCreatePending(key, data.argsDigest, new Date(0), () => data);
  return { approval, token };
}

/**
 * The link token of an approval the app really created, read the way the
 * worker reads it: from the `approval-notifications` job (job id = approval
 * id) and unsealed.
 */
export async function approvalTokenFromQueue(t: TestApp, approvalId: string): Promise<string> {
  const { connection, prefix } = bullConnection(t.env);
  const queue = new Queue<DeliverApprovalPayload>(QUEUES.approvalNotifications.name, { connection, prefix });
  try {
    const job = await queue.getJob(approvalId);
    if (!job) throw new Error(`no approval-notifications job for ${approvalId}`);
    return openApprovalToken(t.env, approvalId, job.data.sealedToken);
  } finally {
    await queue.close();
  }
}
