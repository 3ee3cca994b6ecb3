import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuditService, type AdminAuditEvent } from '@gatehouse/audit';
import type { Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';

class AdminEventDto {
  @ApiProperty({ example: 'evt_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  timestamp: string;

  @ApiProperty({ example: { type: 'api_key', id: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' } })
  actor: { type: string; id: string };

  @ApiProperty({ example: 'gateway.update' })
  action: string;

  @ApiProperty({ example: { type: 'gateway', id: 'gw_01jb2m4c8q3r5s7t9v1w3x5y7z' } })
  resource: { type: string; id: string };
}

class AdminEventListDto {
  @ApiProperty({ type: [AdminEventDto] })
  events: AdminEventDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

const toDto = (e: AdminAuditEvent): AdminEventDto => ({
  id: e.id,
  timestamp: e.createdAt.toISOString(),
  actor: { type: e.actorType, id: e.actorId },
  action: e.action,
  resource: { type: e.resourceType, id: e.resourceId },
});

@ApiTags('audit')
@Controller('api/audit/admin-events')
export class AdminAuditController {
  constructor(private readonly audit: AdminAuditService) {}

  @Get()
  @Scopes('audit:read')
  @ApiOperation({ summary: 'Control-plane audit trail: who created, changed or deleted what, oldest first' })
  @ApiResponse({ status: 200, type: AdminEventListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<AdminEventListDto> {
    const page = await this.audit.list(p.orgId, q.limit, q.cursor);
    return { events: page.items.map(toDto), next_cursor: page.nextCursor };
  }
}
