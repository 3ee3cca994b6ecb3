import { AuditedResourceDto, auditedFields } from '../http/resource.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../http/pagination.dto.js';
import { etagOf, type Gateway, type GatewayRevision, type JsonChange } from '@gatehouse/gateways';
import { IsResourceId } from '../http/resource-id.validator.js';

const SERVERS_CONFIG_EXAMPLE = {
  common_overrides: {
    input_guardrails_config: { enabled: true, guardrail_name: 'Default', additional_config: {}, block: ['injection_attack'] },
  },
  servers: [
    {
      saved_name: 'my-filesystem-server',
      server_version: 'v1',
      input_guardrails_config: { enabled: true, guardrail_name: 'Sample', additional_config: { pii_redaction: true }, block: ['secrets'] },
      tools: ['read_file'],
    },
  ],
};

export class CreateGatewayDto {
  @ApiProperty({ example: 'my-dev-gateway', maxLength: 32 })
  @IsString()
  @MaxLength(32)
  saved_name: string;

  @ApiPropertyOptional({ example: 'v1', default: 'v1' })
  @IsOptional()
  @IsString()
  version?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: SERVERS_CONFIG_EXAMPLE, description: 'Validated as a whole; each server names a connector of the org' })
  @IsOptional()
  @IsObject()
  servers_config?: Record<string, unknown>;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ example: false, default: false })
  @IsOptional()
  @IsBoolean()
  is_sample?: boolean;

  @ApiPropertyOptional({ example: false, description: 'Make it the org default (the first gateway of an org is the default anyway)' })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;

  @ApiPropertyOptional({ example: 'pol_01jb2m4c8q3r5s7t9v1w3x5y7z', nullable: true, type: String })
  @IsOptional()
  @IsResourceId('pol', 'a policy')
  policy_id?: string | null;
}

export class ReplaceGatewayDto {
  @ApiProperty({ type: 'object', additionalProperties: true, example: SERVERS_CONFIG_EXAMPLE })
  @IsObject()
  servers_config: Record<string, unknown>;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  is_sample?: boolean;

  @ApiPropertyOptional({ example: null, nullable: true, type: String })
  @IsOptional()
  @IsResourceId('pol', 'a policy')
  policy_id?: string | null;
}

/** Documentation of the PATCH body; the body itself is judged by the merge module. */
export class PatchGatewayDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Deep-merged onto the stored config: absent keys untouched; null deletes; `servers` upserted by (saved_name, server_version), ' +
      '`_delete: true` removes an entry; a guardrails config replaces the stored one as a unit except `additional_config`, which deep-merges; other arrays replace.',
    example: { servers: [{ saved_name: 'my-filesystem-server', server_version: 'v1', input_guardrails_config: { enabled: true, guardrail_name: 'Updated', block: ['keyword_detector'] } }] },
  })
  servers_config?: Record<string, unknown>;

  @ApiPropertyOptional({ example: true })
  is_active?: boolean;

  @ApiPropertyOptional({ example: false })
  is_sample?: boolean;

  @ApiPropertyOptional({ example: null, nullable: true, type: String })
  policy_id?: string | null;
}

export class GatewayListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'my-dev-gateway' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  saved_name?: string;
}

export class DiffQueryDto {
  @ApiProperty({ example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  from: number;

  @ApiProperty({ example: 2 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  to: number;
}

export class GatewayDto extends AuditedResourceDto {
  @ApiProperty({ example: 'gw_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'my-dev-gateway' })
  saved_name: string;

  @ApiProperty({ example: 'v1' })
  version: string;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: false })
  is_sample: boolean;

  @ApiProperty({ example: true })
  is_default: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, example: SERVERS_CONFIG_EXAMPLE })
  servers_config: unknown;

  @ApiProperty({ nullable: true, type: String, example: null })
  policy_id: string | null;

  @ApiProperty({ example: 3, description: 'Bumped by every change; the ETag is "r<revision>"' })
  revision: number;

}

export class GatewayListDto {
  @ApiProperty({ type: [GatewayDto] })
  gateways: GatewayDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

/** The seed's modify-gateway answer. */
export class ModifiedGatewayDataDto extends AuditedResourceDto {
  @ApiProperty({ example: 'gw_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  gateway_id: string;

  @ApiProperty({ example: 'my-dev-gateway' })
  gateway_saved_name: string;

  @ApiProperty({ example: 'v1' })
  gateway_version: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: SERVERS_CONFIG_EXAMPLE })
  servers_config: unknown;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: false })
  is_sample: boolean;

  @ApiProperty({ example: 4 })
  revision: number;

  @ApiProperty({ nullable: true, type: String, example: null })
  policy_id: string | null;

}

export class ModifiedGatewayDto {
  @ApiProperty({ example: 'Gateway updated successfully' })
  message: string;

  @ApiProperty({ type: ModifiedGatewayDataDto })
  data: ModifiedGatewayDataDto;
}

export class GatewayRevisionDto {
  @ApiProperty({ example: 2 })
  revision: number;

  @ApiProperty({ example: 'patch', description: 'create, patch, replace, rollback_to:r<n>, copy_of:<id>@r<n>' })
  action: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: SERVERS_CONFIG_EXAMPLE })
  servers_config: unknown;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: false })
  is_sample: boolean;

  @ApiProperty({ nullable: true, type: String, example: null })
  policy_id: string | null;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  created_at: string;

  @ApiProperty({ nullable: true, type: String, example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  created_by: string | null;
}

export class GatewayRevisionListDto {
  @ApiProperty({ type: [GatewayRevisionDto] })
  revisions: GatewayRevisionDto[];
}

export class JsonChangeDto {
  @ApiProperty({ example: 'servers_config.servers[0].tools[1]' })
  path: string;

  @ApiProperty({ enum: ['add', 'remove', 'replace'], example: 'replace' })
  op: string;

  @ApiPropertyOptional({ example: 'read_file' })
  before?: unknown;

  @ApiPropertyOptional({ example: 'write_file' })
  after?: unknown;
}

export class GatewayDiffDto {
  @ApiProperty({ example: 1 })
  from: number;

  @ApiProperty({ example: 2 })
  to: number;

  @ApiProperty({ type: [JsonChangeDto] })
  changes: JsonChangeDto[];
}

export function toGatewayDto(g: Gateway): GatewayDto {
  return {
    id: g.id,
    saved_name: g.savedName,
    version: g.version,
    is_active: g.isActive,
    is_sample: g.isSample,
    is_default: g.isDefault,
    servers_config: g.serversConfig,
    policy_id: g.policyId,
    revision: g.revision,
    ...auditedFields(g),
  };
}

export function toModifiedGatewayDto(g: Gateway): ModifiedGatewayDto {
  return {
    message: 'Gateway updated successfully',
    data: {
      gateway_id: g.id,
      gateway_saved_name: g.savedName,
      gateway_version: g.version,
      servers_config: g.serversConfig,
      is_active: g.isActive,
      is_sample: g.isSample,
      revision: g.revision,
      policy_id: g.policyId,
      ...auditedFields(g),
    },
  };
}

export function toRevisionDto(r: GatewayRevision): GatewayRevisionDto {
  return {
    revision: r.revision,
    action: r.action,
    servers_config: r.serversConfig,
    is_active: r.isActive,
    is_sample: r.isSample,
    policy_id: r.policyId,
    created_at: r.createdAt.toISOString(),
    created_by: r.createdBy,
  };
}

export function toDiffDto(from: number, to: number, changes: JsonChange[]): GatewayDiffDto {
  return { from, to, changes };
}

export { etagOf };
