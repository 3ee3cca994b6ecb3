import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, ApiKeysService, type Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { ApiKeyDto, ApiKeyListDto, ApiKeyWithSecretDto, CreateApiKeyDto, RotateDto, toApiKeyDto, UpdateApiKeyDto } from './api-keys.dto.js';

@ApiTags('api keys')
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Create an API key; the secret is answered once' })
  @ApiResponse({ status: 201, type: ApiKeyWithSecretDto })
  @ApiErrors(400, 415, 422)
  async create(@CurrentPrincipal() p: Principal, @Body() b: CreateApiKeyDto): Promise<ApiKeyWithSecretDto> {
    const { apiKey, secret } = await this.keys.create(
      p.orgId,
      { name: b.name, scopes: b.scopes, memberId: b.member_id, agentId: b.agent_id, policyId: b.policy_id, gatewayId: b.gateway_id, expiresAt: b.expires_at },
      actorOf(p),
    );
    return { ...toApiKeyDto(apiKey), secret };
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiResponse({ status: 200, type: ApiKeyListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<ApiKeyListDto> {
    const page = await this.keys.list(p.orgId, q.limit, q.cursor);
    return { api_keys: page.items.map(toApiKeyDto), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get an API key' })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ApiKeyDto> {
    return toApiKeyDto(await this.keys.get(p.orgId, id));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Rename, re-scope or change the expiry of an API key' })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  @ApiErrors(400, 404, 415)
  async update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: UpdateApiKeyDto): Promise<ApiKeyDto> {
    return toApiKeyDto(
      await this.keys.update(
        p.orgId,
        id,
        { name: b.name, scopes: b.scopes, expiresAt: b.expires_at, agentId: b.agent_id, policyId: b.policy_id, gatewayId: b.gateway_id },
        actorOf(p),
      ),
    );
  }

  @Post(':id/rotate')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new secret; the old one dies now or after grace_period_seconds' })
  @ApiResponse({ status: 200, type: ApiKeyWithSecretDto })
  @ApiErrors(400, 404, 415)
  async rotate(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: RotateDto): Promise<ApiKeyWithSecretDto> {
    const { apiKey, secret } = await this.keys.rotate(p.orgId, id, b.grace_period_seconds ?? 0, actorOf(p));
    return { ...toApiKeyDto(apiKey), secret };
  }

  @Post(':id/disable')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an API key (it stops working on every replica at once)' })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  @ApiErrors(404)
  async disable(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ApiKeyDto> {
    return toApiKeyDto(await this.keys.setDisabled(p.orgId, id, true, actorOf(p)));
  }

  @Post(':id/enable')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled API key' })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  @ApiErrors(404)
  async enable(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ApiKeyDto> {
    return toApiKeyDto(await this.keys.setDisabled(p.orgId, id, false, actorOf(p)));
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an API key' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.keys.delete(p.orgId, id, actorOf(p));
  }
}
