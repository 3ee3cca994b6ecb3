import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { DURATIONS, type Approval, type ApprovalDeliveryAttempt, type ApprovalDuration, type Grant } from '@gatehouse/approvals';
import { PageQueryDto } from '../http/pagination.dto.js';
import { IsResourceId } from '../http/resource-id.validator.js';

const STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;

export class ApprovalQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ example: 'demo', description: 'Connector name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  connector?: string;

  @ApiPropertyOptional({ example: 'send_email' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  tool?: string;

  @ApiPropertyOptional({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z', description: 'The asking credential' })
  @IsOptional()
  @Matches(/^(key|cli)_[0-9a-z]{26}$/, { message: 'must be an API key (key_…) or OAuth client (cli_…) id' })
  credential_id?: string;

  @ApiPropertyOptional({ example: 'agent_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsOptional()
  @IsResourceId('agent', 'an agent')
  agent_id?: string;
}

export class GrantQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'true: only grants in force; false: only ended or revoked ones' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsOptional()
  @Matches(/^(key|cli)_[0-9a-z]{26}$/, { message: 'must be an API key (key_…) or OAuth client (cli_…) id' })
  credential_id?: string;
}

export class ApproveDto {
  @ApiPropertyOptional({ enum: DURATIONS, default: 'once', description: 'once lets the asked call through; 1h/8h/24h also grants the same credential + connector + tool for that long' })
  @IsOptional()
  @IsIn(DURATIONS)
  duration?: ApprovalDuration;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 'dlv_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'chan_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  channel_id: string;

  @ApiProperty({ example: 1 })
  attempt: number;

  @ApiProperty({ enum: ['delivered', 'failed', 'dead'] })
  outcome: string;

  @ApiProperty({ example: 200, nullable: true, type: Number })
  http_status: number | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  error: string | null;

  @ApiProperty({ example: 42 })
  duration_ms: number;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  created_at: string;
}

export class ApprovalDto {
  @ApiProperty({ example: 'appr_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ enum: STATUSES })
  status: string;

  @ApiProperty({ enum: ['mcp', 'check'], description: 'Asked by a held tools/call or by /v1/check' })
  source: string;

  @ApiProperty({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z', description: 'Who asks' })
  credential_id: string;

  @ApiProperty({ nullable: true, type: String })
  agent_id: string | null;

  @ApiProperty({ nullable: true, type: String })
  gateway_id: string | null;

  @ApiProperty({ nullable: true, type: String })
  connector_id: string | null;

  @ApiProperty({ example: 'demo' })
  connector: string;

  @ApiProperty({ example: 'send_email' })
  tool: string;

  @ApiProperty({ description: 'Redacted summary of the arguments (secrets and personal data removed, long values cut); /v1/check keeps only their names', example: { to: '[REDACTED:email]' } })
  arguments: unknown;

  @ApiProperty({ example: 'matched rule 0 of policy "prod"' })
  reason: string;

  @ApiProperty({ nullable: true, type: String })
  policy_id: string | null;

  @ApiProperty({ example: '2026-11-23T09:15:00.000Z' })
  expires_at: string;

  @ApiProperty({ nullable: true, type: String })
  decided_at: string | null;

  @ApiProperty({ nullable: true, type: String, description: '"link", a credential id, or "system"' })
  decided_by: string | null;

  @ApiProperty({ nullable: true, type: String, enum: [...DURATIONS, null] })
  duration: string | null;

  @ApiProperty({ nullable: true, type: String })
  decision_note: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The grant this approval made (durations other than once)' })
  grant_id: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'When a one-time approval let its call through' })
  consumed_at: string | null;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'dead', 'none'], description: 'Notification delivery; dead = gave up after every retry' })
  notification_state: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  created_at: string;
}

export class ApprovalDetailDto extends ApprovalDto {
  @ApiProperty({ type: [DeliveryAttemptDto] })
  deliveries: DeliveryAttemptDto[];
}

export class ApprovalListDto {
  @ApiProperty({ type: [ApprovalDto] })
  approvals: ApprovalDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  next_cursor: string | null;
}

export class GrantDto {
  @ApiProperty({ example: 'grant_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'appr_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  approval_id: string;

  @ApiProperty({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  credential_id: string;

  @ApiProperty({ example: 'demo' })
  connector: string;

  @ApiProperty({ example: 'send_email' })
  tool: string;

  @ApiProperty({ enum: ['1h', '8h', '24h'] })
  duration: string;

  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' })
  expires_at: string;

  @ApiProperty({ description: 'In force now (not revoked, not ended)' })
  active: boolean;

  @ApiProperty({ nullable: true, type: String })
  revoked_at: string | null;

  @ApiProperty({ nullable: true, type: String })
  revoked_by: string | null;

  @ApiProperty({ nullable: true, type: String, description: '"link" or the deciding credential' })
  created_by: string | null;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  created_at: string;
}

export class GrantListDto {
  @ApiProperty({ type: [GrantDto] })
  grants: GrantDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  next_cursor: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toApprovalDto(a: Approval): ApprovalDto {
  return {
    id: a.id,
    status: a.status,
    source: a.source,
    credential_id: a.credentialId,
    agent_id: a.agentId,
    gateway_id: a.gatewayId,
    connector_id: a.connectorId,
    connector: a.connectorName,
    tool: a.toolName,
    arguments: a.argsSummary,
    reason: a.reason,
    policy_id: a.policyId,
    expires_at: a.expiresAt.toISOString(),
    decided_at: iso(a.decidedAt),
    decided_by: a.decidedBy,
    duration: a.duration,
    decision_note: a.decisionNote,
    grant_id: a.grantId,
    consumed_at: iso(a.consumedAt),
    notification_state: a.notificationState,
    created_at: a.createdAt.toISOString(),
  };
}

export function toApprovalDetailDto(a: Approval & { deliveries: ApprovalDeliveryAttempt[] }): ApprovalDetailDto {
  return {
    ...toApprovalDto(a),
    deliveries: a.deliveries.map((d) => ({
      id: d.id,
      channel_id: d.channelId,
      attempt: d.attempt,
      outcome: d.outcome,
      http_status: d.httpStatus,
      error: d.error,
      duration_ms: d.durationMs,
      created_at: d.createdAt.toISOString(),
    })),
  };
}

export function toGrantDto(g: Grant, now = new Date()): GrantDto {
  return {
    id: g.id,
    approval_id: g.approvalId,
    credential_id: g.credentialId,
    connector: g.connectorName,
    tool: g.toolName,
    duration: g.duration,
    expires_at: g.expiresAt.toISOString(),
    active: g.revokedAt === null && g.expiresAt > now,
    revoked_at: iso(g.revokedAt),
    revoked_by: g.revokedBy,
    created_by: g.createdBy,
    created_at: g.createdAt.toISOString(),
  };
}
