import { AuditedResourceDto, auditedFields } from '../http/resource.dto.js';
import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { Member, Role } from '@gatehouse/credentials';

const ROLES: Role[] = ['owner', 'admin', 'viewer'];

export class CreateMemberDto {
  @ApiProperty({ example: 'dev@acme.example' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ example: 'Dana Dev' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiProperty({ enum: ROLES, example: 'admin' })
  @IsIn(ROLES)
  role: Role;
}

export class UpdateMemberDto extends PartialType(PickType(CreateMemberDto, ['name', 'role'] as const)) {}

export class MemberDto extends AuditedResourceDto {
  @ApiProperty({ example: 'usr_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'dev@acme.example' })
  email: string;

  @ApiProperty({ example: 'Dana Dev', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ enum: ROLES, example: 'admin' })
  role: Role;

}

export class MemberListDto {
  @ApiProperty({ type: [MemberDto] })
  members: MemberDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

export function toMemberDto(m: Member): MemberDto {
  return {
    id: m.id,
    email: m.email,
    name: m.name,
    role: m.role,
    ...auditedFields(m),
  };
}
