import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApprovalsService } from '@gatehouse/approvals';
import { actorOf, type Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import {
  ApprovalDetailDto,
  ApprovalDto,
  ApprovalListDto,
  ApprovalQueryDto,
  ApproveDto,
  GrantDto,
  GrantListDto,
  GrantQueryDto,
  toApprovalDetailDto,
  toApprovalDto,
  toGrantDto,
} from './approvals.dto.js';

@ApiTags('approvals')
@Controller('api/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  @Scopes('approvals:decide')
  @ApiOperation({ summary: 'List approvals, newest first (filters: status, connector, tool, credential_id, agent_id)' })
  @ApiResponse({ status: 200, type: ApprovalListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: ApprovalQueryDto): Promise<ApprovalListDto> {
    const page = await this.approvals.list(
      p.orgId,
      { status: q.status, connectorName: q.connector, toolName: q.tool, credentialId: q.credential_id, agentId: q.agent_id },
      q.limit,
      q.cursor,
    );
    return { approvals: page.items.map(toApprovalDto), next_cursor: page.nextCursor };
  }

  // Declared before :id so that "grants" is not taken for an approval id.
  @Get('grants')
  @Scopes('approvals:decide')
  @ApiOperation({ summary: 'List grants (standing approvals of credential + connector + tool)' })
  @ApiResponse({ status: 200, type: GrantListDto })
  @ApiErrors(400)
  async grants(@CurrentPrincipal() p: Principal, @Query() q: GrantQueryDto): Promise<GrantListDto> {
    const page = await this.approvals.listGrants(p.orgId, { active: q.active, credentialId: q.credential_id }, q.limit, q.cursor);
    const now = new Date();
    return { grants: page.items.map((g) => toGrantDto(g, now)), next_cursor: page.nextCursor };
  }

  @Get('grants/:id')
  @Scopes('approvals:decide')
  @ApiOperation({ summary: 'Get a grant' })
  @ApiResponse({ status: 200, type: GrantDto })
  @ApiErrors(404)
  async grant(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<GrantDto> {
    return toGrantDto(await this.approvals.getGrant(p.orgId, id));
  }

  @Post('grants/:id/revoke')
  @HttpCode(200)
  @Scopes('approvals:decide')
  @ApiOperation({ summary: 'Revoke a grant at once (idempotent)' })
  @ApiResponse({ status: 200, type: GrantDto })
  @ApiErrors(404)
  async revoke(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<GrantDto> {
    return toGrantDto(await this.approvals.revokeGrant(p.orgId, id, actorOf(p)));
  }

  @Get(':id')
  @Scopes('approvals:decide')
  @ApiOperation({ summary: 'Get an approval with its notification delivery attempts' })
  @ApiResponse({ status: 200, type: ApprovalDetailDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ApprovalDetailDto> {
    return toApprovalDetailDto(await this.approvals.get(p.orgId, id));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Scopes('approvals:decide')
  @ApiOperation({ summary: 'Approve a pending approval; the held call goes on at once. A duration other than once also creates a grant' })
  @ApiResponse({ status: 200, type: ApprovalDto })
  @ApiErrors(400, 404, 409, 415)
  async approve(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: ApproveDto): Promise<ApprovalDto> {
    return toApprovalDto(await this.approvals.decideById(p.orgId, id, 'approve', b.duration ?? 'once', { id: p.credentialId, actor: actorOf(p) }));
  }

  @Post(':id/deny')
  @HttpCode(200)
  @Scopes('approvals:decide')
  @ApiOperation({ summary: 'Deny a pending approval; the held call answers an MCP error result' })
  @ApiResponse({ status: 200, type: ApprovalDto })
  @ApiErrors(404, 409)
  async deny(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ApprovalDto> {
    return toApprovalDto(await this.approvals.decideById(p.orgId, id, 'deny', 'once', { id: p.credentialId, actor: actorOf(p) }));
  }
}
