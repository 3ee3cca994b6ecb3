import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, type Principal } from '@gatehouse/credentials';
import { PoliciesService } from '@gatehouse/policy';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { CreatePolicyDto, DryRunDto, DryRunResponseDto, PatchPolicyDto, PolicyDto, PolicyListDto, ReplacePolicyDto, toPolicyDto } from './policies.dto.js';

@ApiTags('policies')
@Controller('api/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Create a policy; rules are validated (422 names the rule index)' })
  @ApiResponse({ status: 201, type: PolicyDto })
  @ApiErrors(400, 409, 415, 422)
  async create(@CurrentPrincipal() p: Principal, @Body() b: CreatePolicyDto): Promise<PolicyDto> {
    const input = { name: b.name, description: b.description, rules: b.rules, defaultAction: b.default_action, isDefault: b.is_default };
    return toPolicyDto(await this.policies.create(p.orgId, input, actorOf(p)));
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List policies' })
  @ApiResponse({ status: 200, type: PolicyListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<PolicyListDto> {
    const page = await this.policies.list(p.orgId, q.limit, q.cursor);
    return { policies: page.items.map(toPolicyDto), next_cursor: page.nextCursor };
  }

  // Declared before ':id' routes.
  @Post('dry-run')
  @Scopes('read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Evaluate a draft against sample calls and recent audit entries; which decisions would change' })
  @ApiResponse({ status: 200, type: DryRunResponseDto })
  @ApiErrors(400, 404, 415, 422)
  async dryRun(@CurrentPrincipal() p: Principal, @Body() b: DryRunDto): Promise<DryRunResponseDto> {
    const draft = { name: b.policy.name, rules: b.policy.rules, defaultAction: b.policy.default_action };
    const { samples, audit } = await this.policies.dryRun(p.orgId, draft, b.samples ?? [], b.compare_with, b.audit_limit ?? 200);
    const { auditIds, ...auditReport } = audit;
    return { samples, audit: { ...auditReport, audit_ids: auditIds } };
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get a policy' })
  @ApiResponse({ status: 200, type: PolicyDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<PolicyDto> {
    return toPolicyDto(await this.policies.get(p.orgId, id));
  }

  @Put(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Replace a policy' })
  @ApiResponse({ status: 200, type: PolicyDto })
  @ApiErrors(400, 404, 409, 415, 422)
  async replace(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: ReplacePolicyDto): Promise<PolicyDto> {
    return toPolicyDto(await this.policies.replace(p.orgId, id, { name: b.name, description: b.description, rules: b.rules, defaultAction: b.default_action }, actorOf(p)));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Change some fields of a policy; the result is validated as a whole' })
  @ApiResponse({ status: 200, type: PolicyDto })
  @ApiErrors(400, 404, 409, 415, 422)
  async patch(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: PatchPolicyDto): Promise<PolicyDto> {
    return toPolicyDto(await this.policies.patch(p.orgId, id, { name: b.name, description: b.description, rules: b.rules, defaultAction: b.default_action }, actorOf(p)));
  }

  @Post(':id/default')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make this the org default policy' })
  @ApiResponse({ status: 200, type: PolicyDto })
  @ApiErrors(404)
  async setDefault(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<PolicyDto> {
    return toPolicyDto(await this.policies.setDefault(p.orgId, id, actorOf(p)));
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a policy (credentials and gateways using it fall back)' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.policies.delete(p.orgId, id, actorOf(p));
  }
}
