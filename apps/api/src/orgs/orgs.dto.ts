import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { CreatedOrganization, Organization } from '@gatehouse/orgs';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'acme', description: 'Unique; `^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$`' })
  @IsString()
  @Length(3, 40)
  slug: string;

  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'owner@acme.example', description: 'Creates an owner member bound to the initial key' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  owner_email?: string;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: 'Acme Corporation' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 90, minimum: 1, maximum: 3650, description: 'Days the data-plane audit log is kept' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  audit_retention_days?: number;

  @ApiPropertyOptional({ example: 900, minimum: 60, maximum: 604800, description: 'Seconds a pending approval stays open before it expires' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(604_800)
  approval_ttl_seconds?: number;
}

export class OrganizationDto {
  @ApiProperty({ example: 'org_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'acme' })
  slug: string;

  @ApiProperty({ example: 'Acme Corp' })
  name: string;

  @ApiProperty({ example: 90 })
  audit_retention_days: number;

  @ApiProperty({ example: 900 })
  approval_ttl_seconds: number;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  created_at: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  updated_at: string;
}

export class OwnerKeyDto {
  @ApiProperty({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'owner' })
  name: string;

  @ApiProperty({ example: 'gth_live_AbC' })
  prefix: string;

  @ApiProperty({ example: ['admin', 'read', 'mcp:call', 'audit:read', 'approvals:decide'] })
  scopes: string[];

  @ApiProperty({ example: 'gth_live_AbCdEfGhIjKlMnOpQrStUvWxYz012345', description: 'Shown once' })
  secret: string;

  @ApiProperty({ example: 'usr_01jb2m4c8q3r5s7t9v1w3x5y7z', nullable: true, type: String })
  member_id: string | null;
}

export class CreatedOrganizationDto extends OrganizationDto {
  @ApiProperty({ type: OwnerKeyDto })
  owner_api_key: OwnerKeyDto;
}

export class OrganizationListDto {
  @ApiProperty({ type: [OrganizationDto] })
  organizations: OrganizationDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

export function toOrganizationDto(org: Organization): OrganizationDto {
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    audit_retention_days: org.auditRetentionDays,
    approval_ttl_seconds: org.approvalTtlSeconds,
    created_at: org.createdAt.toISOString(),
    updated_at: org.updatedAt.toISOString(),
  };
}

export function toCreatedOrganizationDto(created: CreatedOrganization): CreatedOrganizationDto {
  const k = created.ownerKey;
  return {
    ...toOrganizationDto(created.organization),
    owner_api_key: { id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, secret: k.secret, member_id: k.memberId },
  };
}
