import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional } from 'class-validator';
import type { AuditEntry } from '@gatehouse/audit';
import { PageQueryDto } from '../http/pagination.dto.js';
import { IsResourceId } from '../http/resource-id.validator.js';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  from?: Date;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  to?: Date;

  @ApiPropertyOptional({ example: 'conn_01j9x8k2m3n4p5q6r7s8t9u0v1' })
  @IsOptional()
  @IsResourceId('conn', 'a connector')
  connector_id?: string;

  @ApiPropertyOptional({ example: 'agent_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsOptional()
  @IsResourceId('agent', 'an agent')
  agent_id?: string;

  @ApiPropertyOptional({ enum: ['allow', 'deny', 'require_approval', 'block', 'omitted'], example: 'deny' })
  @IsOptional()
  @IsIn(['allow', 'deny', 'require_approval', 'block', 'omitted'])
  decision?: string;
}

export class AuditExportQueryDto extends AuditQueryDto {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format?: 'ndjson' | 'csv';
}

export class AuditEntryDto {
  @ApiProperty({ example: 'aud_01xyz00000000000000000000a' })
  id: string;

  @ApiProperty({ example: '2024-11-15T14:32:01.482Z' })
  timestamp: string;

  @ApiProperty({ enum: ['check', 'call', 'list'], example: 'call' })
  kind: string;

  @ApiProperty({ example: 'query', nullable: true, type: String })
  tool_name: string | null;

  @ApiProperty({ example: 'conn_01j9x8k2m3n4p5q6r7s8t9u0v1', nullable: true, type: String })
  connector_id: string | null;

  @ApiProperty({ example: 'production-db', nullable: true, type: String })
  connector_name: string | null;

  @ApiProperty({ example: 'agent_01abc', nullable: true, type: String })
  agent_id: string | null;

  @ApiProperty({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  credential_id: string;

  @ApiProperty({ example: 'gw_01jb2m4c8q3r5s7t9v1w3x5y7z', nullable: true, type: String })
  gateway_id: string | null;

  @ApiProperty({ example: 'allow' })
  decision: string;

  @ApiProperty({ example: 'matched rule 0 of policy "default"', nullable: true, type: String })
  reason: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  policy_id: string | null;

  @ApiProperty({ example: 143, nullable: true, type: Number })
  duration_ms: number | null;

  @ApiProperty({ example: true, nullable: true, type: Boolean })
  success: boolean | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  error_code: string | null;

  @ApiProperty({ example: [{ detector: 'pii', kind: 'email', path: '$.to' }], nullable: true, description: 'Guardrail findings: never the matched text' })
  guardrail_findings: unknown;
}

export class AuditListDto {
  @ApiProperty({ type: [AuditEntryDto] })
  entries: AuditEntryDto[];

  @ApiProperty({ example: 'aud_01abc', nullable: true, type: String })
  next_cursor: string | null;
}

export function toAuditEntryDto(e: AuditEntry): AuditEntryDto {
  return {
    id: e.id,
    timestamp: e.timestamp.toISOString(),
    kind: e.kind,
    tool_name: e.toolName,
    connector_id: e.connectorId,
    connector_name: e.connectorName,
    agent_id: e.agentId,
    credential_id: e.credentialId,
    gateway_id: e.gatewayId,
    decision: e.decision,
    reason: e.reason,
    policy_id: e.policyId,
    duration_ms: e.durationMs,
    success: e.success,
    error_code: e.errorCode,
    guardrail_findings: e.findings ?? null,
  };
}

type CsvColumn = Exclude<keyof AuditEntryDto, 'guardrail_findings'>;

const CSV_COLUMNS: CsvColumn[] = [
  'id', 'timestamp', 'kind', 'tool_name', 'connector_id', 'connector_name', 'agent_id', 'credential_id', 'gateway_id',
  'decision', 'reason', 'policy_id', 'duration_ms', 'success', 'error_code',
];

export const CSV_HEADER = CSV_COLUMNS.join(',');

/** RFC 4180 quoting; a leading formula character is neutralised so a spreadsheet never runs it. */
export function toCsvRow(e: AuditEntryDto): string {
  return CSV_COLUMNS.map((c) => {
    const v = e[c];
    if (v === null) return '';
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}
