import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import type { DryRunReport, Policy } from '@gatehouse/policy';
import { AuditedResourceDto, auditedFields } from '../http/resource.dto.js';
import { IsResourceId } from '../http/resource-id.validator.js';

const RULES_DOC =
  'Ordered; first match wins, then default_action. A rule: {action: allow|deny|require_approval, connector?, tool? (globs * ?), agent? (glob on id or name), ' +
  'when?: [{arg: JSON path, op: eq|neq|in|matches|contains|gt|lt|exists, value}], reason?}. Problems answer 422 naming the rule index.';
const RULES_EXAMPLE = [
  { action: 'deny', connector: 'prod-*', tool: 'drop_*', reason: 'never drop in production' },
  { action: 'require_approval', tool: 'send_email', when: [{ arg: '$.to', op: 'matches', value: '@external\\.example$' }] },
  { action: 'allow' },
];

export class CreatePolicyDto {
  @ApiProperty({ example: 'default' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ example: 'Baseline for every agent' })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;

  @ApiProperty({ type: 'array', items: { type: 'object' }, example: RULES_EXAMPLE, description: RULES_DOC })
  @IsDefined()
  rules: unknown;

  @ApiProperty({ enum: ['allow', 'deny', 'require_approval'], example: 'deny' })
  @IsDefined()
  default_action: unknown;

  @ApiPropertyOptional({ example: false, description: 'Make it the org default (exactly one per org)' })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

export class ReplacePolicyDto {
  @ApiProperty({ example: 'default' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ example: 'Baseline for every agent' })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;

  @ApiProperty({ type: 'array', items: { type: 'object' }, example: RULES_EXAMPLE, description: RULES_DOC })
  @IsDefined()
  rules: unknown;

  @ApiProperty({ enum: ['allow', 'deny', 'require_approval'], example: 'deny' })
  @IsDefined()
  default_action: unknown;
}

export class PatchPolicyDto {
  @ApiPropertyOptional({ example: 'default' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ example: 'Baseline' })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, example: RULES_EXAMPLE })
  @IsOptional()
  rules?: unknown;

  @ApiPropertyOptional({ enum: ['allow', 'deny', 'require_approval'], example: 'allow' })
  @IsOptional()
  default_action?: unknown;
}

export class SampleAgentDto {
  @ApiProperty({ example: 'agent_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsString()
  id: string;

  @ApiProperty({ example: 'reporting-agent' })
  @IsString()
  name: string;
}

export class DryRunSampleDto {
  @ApiProperty({ example: 'prod-db' })
  @IsString()
  @Length(1, 200)
  connector: string;

  @ApiProperty({ example: 'drop_table' })
  @IsString()
  @Length(1, 200)
  tool: string;

  @ApiPropertyOptional({ type: SampleAgentDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SampleAgentDto)
  agent?: SampleAgentDto;

  @ApiPropertyOptional({ example: { table: 'orders' } })
  @IsOptional()
  @IsObject()
  args?: Record<string, unknown>;
}

export class DryRunDto {
  @ApiProperty({ type: CreatePolicyDto, description: 'The draft (name, rules, default_action)' })
  @IsObject()
  @ValidateNested()
  @Type(() => ReplacePolicyDto)
  policy: ReplacePolicyDto;

  @ApiPropertyOptional({ example: 'pol_01jb2m4c8q3r5s7t9v1w3x5y7z', description: 'Compare with this policy (default: the org default)' })
  @IsOptional()
  @IsResourceId('pol', 'a policy')
  compare_with?: string;

  @ApiPropertyOptional({ type: [DryRunSampleDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => DryRunSampleDto)
  samples?: DryRunSampleDto[];

  @ApiPropertyOptional({ example: 200, default: 200, minimum: 0, maximum: 5000, description: 'How many recent audit entries to replay (0: none)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5000)
  audit_limit?: number;
}

export class PolicyDto extends AuditedResourceDto {
  @ApiProperty({ example: 'pol_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'default' })
  name: string;

  @ApiProperty({ example: 'Baseline', nullable: true, type: String })
  description: string | null;

  @ApiProperty({ type: 'array', items: { type: 'object' }, example: RULES_EXAMPLE })
  rules: unknown[];

  @ApiProperty({ enum: ['allow', 'deny', 'require_approval'], example: 'deny' })
  default_action: string;

  @ApiProperty({ example: true })
  is_default: boolean;
}

export class PolicyListDto {
  @ApiProperty({ type: [PolicyDto] })
  policies: PolicyDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

export class DryRunResponseDto {
  @ApiProperty({ example: { results: [{ current: { decision: 'allow' }, draft: { decision: 'deny' }, changed: true }], summary: { total: 1, changed: 1, unchanged: 0, unknown: 0 } } })
  samples: DryRunReport;

  @ApiProperty({ description: 'The same against recent audit entries (no arguments: conditional rules may be undecidable, changed: null)' })
  audit: DryRunReport & { audit_ids: string[] };
}

export function toPolicyDto(p: Policy): PolicyDto {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    rules: p.rules,
    default_action: p.defaultAction,
    is_default: p.isDefault,
    ...auditedFields(p),
  };
}
