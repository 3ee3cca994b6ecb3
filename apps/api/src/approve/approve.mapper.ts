import { grantExpiry, isDuration, type Approval } from '@gatehouse/approvals';
import type { ResolvedApprovalDto } from './approve.dto.js';
import type { DecidedView } from './approve.page.js';

/** The grant a decision made ends `duration` after the decision (the repository stamps both with one clock reading). */
function grantEnd(a: Approval): Date | null {
  return a.grantId && a.decidedAt && isDuration(a.duration) ? grantExpiry(a.duration, a.decidedAt) : null;
}

export function toResolvedDto(a: Approval): ResolvedApprovalDto {
  return {
    id: a.id,
    status: a.status,
    duration: a.duration,
    decided_at: (a.decidedAt ?? new Date()).toISOString(),
    grant_id: a.grantId,
    grant_expires_at: grantEnd(a)?.toISOString() ?? null,
  };
}

export function toDecidedView(a: Approval): DecidedView {
  return {
    id: a.id,
    status: a.status,
    connectorName: a.connectorName,
    toolName: a.toolName,
    credentialId: a.credentialId,
    duration: a.duration,
    grantExpiresAt: grantEnd(a),
  };
}
