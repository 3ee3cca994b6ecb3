import { AuditedResourceDto, auditedFields } from '../http/resource.dto.js';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Agent } from '@gatehouse/agents';

export class CreateAgentDto {
  @ApiProperty({ example: 'reporting-agent', description: 'Unique in the organisation' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'may only contain letters, digits, ".", "_" and "-"' })
  name: string;

  @ApiPropertyOptional({ example: 'Automated reporting pipeline' })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;
}

export class UpdateAgentDto extends PartialType(CreateAgentDto) {}

export class AgentDto extends AuditedResourceDto {
  @ApiProperty({ example: 'agent_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'reporting-agent' })
  name: string;

  @ApiProperty({ example: 'Automated reporting pipeline', nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: '2026-11-23T09:05:00.000Z', nullable: true, type: String })
  last_seen_at: string | null;
}

export class AgentListDto {
  @ApiProperty({ type: [AgentDto] })
  agents: AgentDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

export function toAgentDto(a: Agent): AgentDto {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    ...auditedFields(a),
    last_seen_at: a.lastSeenAt ? a.lastSeenAt.toISOString() : null,
  };
}
