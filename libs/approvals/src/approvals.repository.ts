import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@gatehouse/db';
import type { ApprovalDuration } from './approval.rules.js';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';
export type NotificationState = 'pending' | 'delivered' | 'failed' | 'dead' | 'none';

export interface Approval {
  id: string;
  orgId: string;
  status: ApprovalStatus;
  source: 'mcp' | 'check';
  credentialId: string;
  credentialName: string | null;
  agentId: string | null;
  gatewayId: string | null;
  connectorId: string | null;
  connectorName: string;
  toolName: string;
  argsSummary: unknown;
  argsDigest: string;
  reason: string;
  policyId: string | null;
  expiresAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionNote: string | null;
  duration: string | null;
  grantId: string | null;
  consumedAt: Date | null;
  notificationState: NotificationState;
  createdAt: Date;
}

export interface ApprovalDeliveryAttempt {
  id: string;
  channelId: string;
  attempt: number;
  outcome: 'delivered' | 'failed' | 'dead';
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  createdAt: Date;
}

export interface Grant {
  id: string;
  orgId: string;
  approvalId: string;
  credentialId: string;
  connectorName: string;
  toolName: string;
  duration: string;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export type NewApproval = Omit<
  Approval,
  'status' | 'decidedAt' | 'decidedBy' | 'decisionNote' | 'duration' | 'grantId' | 'consumedAt' | 'notificationState' | 'createdAt'
> & { tokenHash: string };

export interface ApprovalFilter {
  status?: ApprovalStatus;
  connectorName?: string;
  toolName?: string;
  credentialId?: string;
  agentId?: string;
}

export interface Decision {
  status: 'approved' | 'denied';
  decidedBy: string;
  duration: ApprovalDuration | null;
  note: string | null;
  grant: { id: string; expiresAt: Date } | null;
}

/** A call's identity for grants and one-time approvals. */
export interface CallKey {
  orgId: string;
  credentialId: string;
  connectorName: string;
  toolName: string;
}

const toApproval = (r: Prisma.ApprovalGetPayload<object>): Approval => {
  const { tokenHash: _hidden, ...rest } = r;
  return rest;
};

@Injectable()
export class ApprovalsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findById(orgId: string, id: string): Promise<Approval | null> {
    const row = await this.prisma.approval.findFirst({ where: { id, orgId } });
    return row ? toApproval(row) : null;
  }

  /** For the public link: the token is the capability, so no org is known yet. */
  async findByTokenHash(tokenHash: string): Promise<Approval | null> {
    const row = await this.prisma.approval.findUnique({ where: { tokenHash } });
    return row ? toApproval(row) : null;
  }

  async list(orgId: string, filter: ApprovalFilter, limit: number, cursor?: string): Promise<Approval[]> {
    const rows = await this.prisma.approval.findMany({
      where: { orgId, ...filter, ...(cursor ? { id: { lt: cursor } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return rows.map(toApproval);
  }

  async deliveries(approvalId: string): Promise<ApprovalDeliveryAttempt[]> {
    return this.prisma.approvalDelivery.findMany({
      where: { approvalId },
      orderBy: { createdAt: 'asc' },
      select: { id: true, channelId: true, attempt: true, outcome: true, httpStatus: true, error: true, durationMs: true, createdAt: true },
    });
  }

  /**
   * Decides a pending, unexpired approval, and makes its grant, in one
   * statement (one round trip). The conditional update is the lock: of two
   * concurrent decisions exactly one matches the row; the other gets null.
   */
  async decide(where: { id: string; orgId: string } | { tokenHash: string }, d: Decision, now: Date): Promise<Approval | null> {
    const match =
      'tokenHash' in where
        ? Prisma.sql`token_hash = ${where.tokenHash}`
        : // A credential never decides its own request.
          Prisma.sql`id = ${where.id} AND org_id = ${where.orgId} AND credential_id <> ${d.decidedBy}`;
    const grantId = d.grant?.id ?? null;
    const rows = await this.prisma.$queryRaw<{ id: string; org_id: string }[]>`
      WITH claimed AS (
        UPDATE approvals
        SET status = ${d.status}::"ApprovalStatus", decided_at = ${now}, decided_by = ${d.decidedBy}, duration = ${d.duration},
            decision_note = ${d.note}, grant_id = ${grantId}
        WHERE ${match} AND status = 'pending' AND expires_at > ${now}
        RETURNING id, org_id, credential_id, connector_name, tool_name
      ), made AS (
        INSERT INTO approval_grants (id, org_id, approval_id, credential_id, connector_name, tool_name, duration, expires_at, created_by, created_at)
        SELECT ${grantId}, org_id, id, credential_id, connector_name, tool_name, ${d.duration ?? 'once'}, ${d.grant?.expiresAt ?? now}, ${d.decidedBy}, ${now}
        FROM claimed WHERE ${grantId}::text IS NOT NULL
      )
      SELECT id, org_id FROM claimed`;
    if (rows.length !== 1) return null;
    return this.findById(rows[0].org_id, rows[0].id);
  }

  /** Lets exactly one call through on a one-time approval: true for the caller that consumed it. */
  async consume(id: string, now: Date): Promise<boolean> {
    const r = await this.prisma.approval.updateMany({ where: { id, status: 'approved', consumedAt: null }, data: { consumedAt: now } });
    return r.count === 1;
  }

  /** Undoes `consume` of a one-time approval (a decision that made a grant was never consumed). */
  async unconsume(orgId: string, id: string): Promise<void> {
    await this.prisma.approval.updateMany({ where: { id, orgId, status: 'approved', grantId: null, consumedAt: { not: null } }, data: { consumedAt: null } });
  }

  /**
   * An approved, not yet used one-time approval for exactly this call. A
   * decision that made a grant is never redeemed here (the grant, until it
   * ends or is revoked, is what lets calls through), and a one-time approval
   * is only good until its request would have expired or for `windowMs` after
   * the decision, whichever is later.
   */
  async findUnconsumedApproval(k: CallKey, digest: string, now: Date, windowMs: number): Promise<Approval | null> {
    const row = await this.prisma.approval.findFirst({
      where: {
        ...k,
        argsDigest: digest,
        status: 'approved',
        grantId: null,
        consumedAt: null,
        OR: [{ expiresAt: { gt: now } }, { decidedAt: { gt: new Date(now.getTime() - windowMs) } }],
      },
      orderBy: { id: 'desc' },
    });
    return row ? toApproval(row) : null;
  }

  /** A pending request for exactly this call: a retry waits on it rather than asking again. */
  /**
   * The open approval of this exact call, created from `make()` when there is
   * none. The check and the insert run under a transaction-scoped advisory
   * lock on the call's key, so two identical calls arriving together share one
   * approval instead of asking twice (a partial unique index would say the
   * same, but Prisma's schema cannot express one).
   */
  async findOrCreatePending(k: CallKey, digest: string, now: Date, make: () => NewApproval): Promise<{ approval: Approval; created: boolean }> {
    const lockKey = JSON.stringify(['approval', k.orgId, k.credentialId, k.connectorName, k.toolName, digest]);
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
      const open = await tx.approval.findFirst({ where: { ...k, argsDigest: digest, status: 'pending', expiresAt: { gt: now } }, orderBy: { id: 'desc' } });
      if (open) return { approval: toApproval(open), created: false };
      const a = make();
      const row = await tx.approval.create({ data: { ...a, argsSummary: a.argsSummary as Prisma.InputJsonValue } });
      return { approval: toApproval(row), created: true };
    });
  }

  async findPending(k: CallKey, digest: string, now: Date): Promise<Approval | null> {
    const row = await this.prisma.approval.findFirst({
      where: { ...k, argsDigest: digest, status: 'pending', expiresAt: { gt: now } },
      orderBy: { id: 'desc' },
    });
    return row ? toApproval(row) : null;
  }

  async activeGrant(k: CallKey, now: Date): Promise<Grant | null> {
    return this.prisma.approvalGrant.findFirst({ where: { ...k, revokedAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: 'desc' } });
  }

  async listGrants(orgId: string, filter: { active?: boolean; credentialId?: string }, now: Date, limit: number, cursor?: string): Promise<Grant[]> {
    return this.prisma.approvalGrant.findMany({
      where: {
        orgId,
        ...(filter.credentialId ? { credentialId: filter.credentialId } : {}),
        ...(filter.active === true ? { revokedAt: null, expiresAt: { gt: now } } : {}),
        ...(filter.active === false ? { OR: [{ revokedAt: { not: null } }, { expiresAt: { lte: now } }] } : {}),
        ...(cursor ? { id: { lt: cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
  }

  async findGrant(orgId: string, id: string): Promise<Grant | null> {
    return this.prisma.approvalGrant.findFirst({ where: { id, orgId } });
  }

  async revokeGrant(orgId: string, id: string, actor: string, now: Date): Promise<Grant | null> {
    const r = await this.prisma.approvalGrant.updateMany({ where: { id, orgId, revokedAt: null }, data: { revokedAt: now, revokedBy: actor } });
    return r.count === 1 ? this.findGrant(orgId, id) : null;
  }

  /** Refused before any person could see it (the notification could not be queued). */
  async refuse(id: string, note: string, now: Date): Promise<void> {
    await this.prisma.approval.updateMany({
      where: { id, status: 'pending' },
      data: { status: 'denied', decidedAt: now, decidedBy: 'system', decisionNote: note, notificationState: 'failed' },
    });
  }

  async setNotificationState(id: string, state: NotificationState): Promise<void> {
    await this.prisma.approval.updateMany({ where: { id }, data: { notificationState: state } });
  }

  /** Pending approvals past their expiry become expired; answers their ids. */
  async expireStale(now: Date, batch = 1000): Promise<{ id: string; orgId: string }[]> {
    return this.prisma.$queryRaw<{ id: string; orgId: string }[]>`
      UPDATE approvals SET status = 'expired', decided_at = ${now}
      WHERE id IN (SELECT id FROM approvals WHERE status = 'pending' AND expires_at <= ${now} ORDER BY expires_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, org_id AS "orgId"`;
  }

  /** Grants that ended more than `keepDays` ago are deleted (their approval keeps the history). */
  async purgeEndedGrants(before: Date): Promise<number> {
    const r = await this.prisma.approvalGrant.deleteMany({ where: { expiresAt: { lt: before } } });
    return r.count;
  }

  async orgApprovalTtlSeconds(orgId: string): Promise<number> {
    const org = await this.prisma.organization.findUnique({ where: { id: orgId }, select: { approvalTtlSeconds: true } });
    return org?.approvalTtlSeconds ?? 900;
  }

  async orgSlug(orgId: string): Promise<string | null> {
    const org = await this.prisma.organization.findUnique({ where: { id: orgId }, select: { slug: true } });
    return org?.slug ?? null;
  }
}
