import { AuditedResourceDto, auditedFields } from '../http/resource.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { SCOPES, type OAuthClient } from '@gatehouse/credentials';
import { IsResourceId } from '../http/resource-id.validator.js';

export class CreateOAuthClientDto {
  @ApiProperty({ example: 'reporting-agent' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, example: ['mcp:call'], default: ['mcp:call'], description: 'Scopes tokens may carry' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SCOPES, { each: true })
  scopes?: string[];

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
}

export class UpdateOAuthClientDto {
  @ApiPropertyOptional({ example: 'reporting-agent' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, example: ['mcp:call'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SCOPES, { each: true })
  scopes?: string[];

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

  @ApiPropertyOptional({ example: false, description: 'A disabled client can get no token, and its tokens stop working' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class OAuthClientDto extends AuditedResourceDto {
  @ApiProperty({ example: 'cli_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'cli_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  client_id: string;

  @ApiProperty({ example: 'reporting-agent' })
  name: string;

  @ApiProperty({ example: ['mcp:call'] })
  scopes: string[];

  @ApiProperty({ nullable: true, type: String, example: null })
  agent_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  policy_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  gateway_id: string | null;

  @ApiProperty({ example: false })
  disabled: boolean;

  @ApiProperty({ nullable: true, type: String, example: null })
  previous_secret_expires_at: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  last_used_at: string | null;

}

export class OAuthClientWithSecretDto extends OAuthClientDto {
  @ApiProperty({ example: 'gth_cs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd', description: 'Shown once; store it now' })
  client_secret: string;
}

export class OAuthClientListDto {
  @ApiProperty({ type: [OAuthClientDto] })
  oauth_clients: OAuthClientDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toOAuthClientDto(c: OAuthClient): OAuthClientDto {
  const graceLive = c.previousExpiresAt && c.previousExpiresAt.getTime() > Date.now();
  return {
    id: c.id,
    client_id: c.clientId,
    name: c.name,
    scopes: c.scopes,
    agent_id: c.agentId,
    policy_id: c.policyId,
    gateway_id: c.gatewayId,
    disabled: c.disabled,
    previous_secret_expires_at: graceLive ? iso(c.previousExpiresAt) : null,
    last_used_at: iso(c.lastUsedAt),
    ...auditedFields(c),
  };
}
