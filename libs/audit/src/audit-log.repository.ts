import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';

export type AuditKind = 'check' | 'call' | 'list';

/** One data-plane event. Never arguments, never results: only what was decided and how it went. */
export interface AuditEntry {
  id: string;
  orgId: string;
  timestamp: Date;
  kind: AuditKind;
  connectorId: string | null;
  connectorName: string | null;
  toolName: string | null;
  agentId: string | null;
  credentialId: string;
  gatewayId: string | null;
  decision: string;
  reason: string | null;
  policyId: string | null;
  ruleIndex: number | null;
  durationMs: number | null;
  success: boolean | null;
  errorCode: string | null;
  findings: unknown;
  completedAt: Date | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'completedAt' | 'findings'> & { findings?: unknown };

export interface AuditOutcome {
  id: string;
  durationMs: number;
  success: boolean;
  errorCode: string | null;
  findings?: unknown;
}

export interface AuditFilter {
  from?: Date;
  to?: Date;
  connectorId?: string;
  agentId?: string;
  decision?: string;
  cursor?: string;
}


@Injectable()
export class AuditLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One INSERT for a whole batch (group commit): one array parameter per
   * column, unnested server-side, so the statement and its plan stay the same
   * whatever the batch size.
   */
  async insertMany(entries: NewAuditEntry[]): Promise<void> {
    const col = <T>(f: (e: NewAuditEntry) => T): T[] => entries.map(f);
    await this.prisma.$executeRaw`
      INSERT INTO audit_entries (id, org_id, timestamp, kind, connector_id, connector_name, tool_name, agent_id, credential_id,
        gateway_id, decision, reason, policy_id, rule_index, duration_ms, success, error_code, findings)
      SELECT * FROM unnest(
        ${col((e) => e.id)}::text[], ${col((e) => e.orgId)}::text[], ${col((e) => e.timestamp)}::timestamptz[],
        ${col((e) => e.kind)}::"AuditKind"[], ${col((e) => e.connectorId)}::text[], ${col((e) => e.connectorName)}::text[],
        ${col((e) => e.toolName)}::text[], ${col((e) => e.agentId)}::text[], ${col((e) => e.credentialId)}::text[],
        ${col((e) => e.gatewayId)}::text[], ${col((e) => e.decision)}::text[], ${col((e) => e.reason)}::text[],
        ${col((e) => e.policyId)}::text[], ${col((e) => e.ruleIndex)}::int[], ${col((e) => e.durationMs)}::int[],
        ${col((e) => e.success)}::boolean[], ${col((e) => e.errorCode)}::text[],
        ${col((e) => (e.findings === undefined || e.findings === null ? null : JSON.stringify(e.findings)))}::jsonb[]
      )`;
  }

  /** One UPDATE for a whole batch of outcomes. */
  async completeMany(outcomes: AuditOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE audit_entries AS a SET duration_ms = v.duration_ms, success = v.success, error_code = v.error_code,
        findings = COALESCE(v.findings, a.findings), completed_at = now()
      FROM unnest(
        ${outcomes.map((o) => o.id)}::text[], ${outcomes.map((o) => o.durationMs)}::int[], ${outcomes.map((o) => o.success)}::boolean[],
        ${outcomes.map((o) => o.errorCode)}::text[], ${outcomes.map((o) => (o.findings === undefined ? null : JSON.stringify(o.findings)))}::jsonb[]
      ) AS v(id, duration_ms, success, error_code, findings)
      WHERE a.id = v.id`;
  }

  async list(orgId: string, f: AuditFilter, limit: number): Promise<AuditEntry[]> {
    return this.prisma.auditEntry.findMany({
      where: {
        orgId,
        ...(f.cursor ? { id: { lt: f.cursor } } : {}),
        ...(f.from || f.to ? { timestamp: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
        ...(f.connectorId ? { connectorId: f.connectorId } : {}),
        ...(f.agentId ? { agentId: f.agentId } : {}),
        ...(f.decision ? { decision: f.decision } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
  }

  /** The worker's retention sweep covers every org on purpose. */
  async retentionByOrg(): Promise<{ id: string; auditRetentionDays: number }[]> {
    return this.prisma.organization.findMany({ select: { id: true, auditRetentionDays: true } });
  }

  /** Retention: deletes one bounded chunk of an org's old entries; callers loop. */
  async deleteOlderThan(orgId: string, before: Date, chunk: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM audit_entries WHERE id IN (
        SELECT id FROM audit_entries WHERE org_id = ${orgId} AND timestamp < ${before} LIMIT ${chunk})`;
  }
}
