import { AuditedResourceDto, auditedFields } from '../http/resource.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDate, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MAX_GRACE_PERIOD_SECONDS, SCOPES, type ApiKey } from '@gatehouse/credentials';
import { IsResourceId } from '../http/resource-id.validator.js';


export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, example: ['mcp:call'], default: ['mcp:call'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ example: 'usr_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsOptional()
  @IsResourceId('usr', 'a member')
  member_id?: string;

  @ApiPropertyOptional({ example: 'agent_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsOptional()
  @IsResourceId('agent', 'an agent')
  agent_id?: string;

  @ApiPropertyOptional({ example: 'pol_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsOptional()
  @IsResourceId('pol', 'a policy')
  policy_id?: string;

  @ApiPropertyOptional({ example: 'gw_01jb2m4c8q3r5s7t9v1w3x5y7z', description: "the gateway its MCP sessions and checks use when the request names none in X-MCP-Gateway (else the org's default)" })
  @IsOptional()
  @IsResourceId('gw', 'a gateway')
  gateway_id?: string;

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00.000Z', type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  expires_at?: Date;
}

export class UpdateApiKeyDto {
  @ApiPropertyOptional({ example: 'agent_01jb2m4c8q3r5s7t9v1w3x5y7z', nullable: true, type: String, description: 'null unbinds' })
  @IsOptional()
  @IsResourceId('agent', 'an agent')
  agent_id?: string | null;

  @ApiPropertyOptional({ example: 'pol_01jb2m4c8q3r5s7t9v1w3x5y7z', nullable: true, type: String, description: 'null unbinds' })
  @IsOptional()
  @IsResourceId('pol', 'a policy')
  policy_id?: string | null;

  @ApiPropertyOptional({ example: 'gw_01jb2m4c8q3r5s7t9v1w3x5y7z', nullable: true, type: String, description: "the gateway its MCP sessions and checks use when the request names none in X-MCP-Gateway (else the org's default); null unbinds" })
  @IsOptional()
  @IsResourceId('gw', 'a gateway')
  gateway_id?: string | null;

  @ApiPropertyOptional({ example: 'ci-pipeline-2' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, example: ['mcp:call', 'read'] })
  @IsOptional()
  @IsArray()
  @IsIn(SCOPES, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00.000Z', type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  expires_at?: Date;
}

export class RotateDto {
  @ApiPropertyOptional({
    example: 3600,
    default: 0,
    description: 'Seconds the previous secret keeps working (0: it dies at once)',
    maximum: MAX_GRACE_PERIOD_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_PERIOD_SECONDS)
  grace_period_seconds?: number;
}

export class ApiKeyDto extends AuditedResourceDto {
  @ApiProperty({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'ci-pipeline' })
  name: string;

  @ApiProperty({ example: 'gth_live_AbC', description: 'First 12 characters of the secret' })
  prefix: string;

  @ApiProperty({ example: ['mcp:call'] })
  scopes: string[];

  @ApiProperty({ nullable: true, type: String, example: null })
  member_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  agent_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  policy_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  gateway_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  expires_at: string | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Until when the previous secret still works' })
  previous_secret_expires_at: string | null;

  @ApiProperty({ example: false })
  disabled: boolean;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T09:05:00.000Z' })
  last_used_at: string | null;

}

export class ApiKeyWithSecretDto extends ApiKeyDto {
  @ApiProperty({ example: 'gth_live_AbCdEfGhIjKlMnOpQrStUvWxYz012345', description: 'Shown once; store it now' })
  secret: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  api_keys: ApiKeyDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toApiKeyDto(k: ApiKey): ApiKeyDto {
  const graceLive = k.previousExpiresAt && k.previousExpiresAt.getTime() > Date.now();
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    member_id: k.memberId,
    agent_id: k.agentId,
    policy_id: k.policyId,
    gateway_id: k.gatewayId,
    expires_at: iso(k.expiresAt),
    previous_secret_expires_at: graceLive ? iso(k.previousExpiresAt) : null,
    disabled: k.disabled,
    last_used_at: iso(k.lastUsedAt),
    ...auditedFields(k),
  };
}
