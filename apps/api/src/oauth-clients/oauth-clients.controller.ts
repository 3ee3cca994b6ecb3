import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, OAuthClientsService, type Principal } from '@gatehouse/credentials';
import { RotateDto } from '../api-keys/api-keys.dto.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import {
  CreateOAuthClientDto,
  OAuthClientDto,
  OAuthClientListDto,
  OAuthClientWithSecretDto,
  toOAuthClientDto,
  UpdateOAuthClientDto,
} from './oauth-clients.dto.js';

@ApiTags('oauth clients')
@Controller('api/oauth-clients')
export class OAuthClientsController {
  constructor(private readonly clients: OAuthClientsService) {}

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Create an OAuth 2 client (client credentials); the secret is answered once' })
  @ApiResponse({ status: 201, type: OAuthClientWithSecretDto })
  @ApiErrors(400, 415)
  async create(@CurrentPrincipal() p: Principal, @Body() b: CreateOAuthClientDto): Promise<OAuthClientWithSecretDto> {
    const { client, secret } = await this.clients.create(
      p.orgId,
      { name: b.name, scopes: b.scopes, agentId: b.agent_id, policyId: b.policy_id, gatewayId: b.gateway_id },
      actorOf(p),
    );
    return { ...toOAuthClientDto(client), client_secret: secret };
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List OAuth clients' })
  @ApiResponse({ status: 200, type: OAuthClientListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<OAuthClientListDto> {
    const page = await this.clients.list(p.orgId, q.limit, q.cursor);
    return { oauth_clients: page.items.map(toOAuthClientDto), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get an OAuth client' })
  @ApiResponse({ status: 200, type: OAuthClientDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<OAuthClientDto> {
    return toOAuthClientDto(await this.clients.get(p.orgId, id));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Rename, re-scope, disable or enable an OAuth client' })
  @ApiResponse({ status: 200, type: OAuthClientDto })
  @ApiErrors(400, 404, 415)
  async update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: UpdateOAuthClientDto): Promise<OAuthClientDto> {
    const input = { name: b.name, scopes: b.scopes, disabled: b.disabled, agentId: b.agent_id, policyId: b.policy_id, gatewayId: b.gateway_id };
    return toOAuthClientDto(await this.clients.update(p.orgId, id, input, actorOf(p)));
  }

  @Post(':id/rotate-secret')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new client secret; the old one dies now or after grace_period_seconds' })
  @ApiResponse({ status: 200, type: OAuthClientWithSecretDto })
  @ApiErrors(400, 404, 415)
  async rotate(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: RotateDto): Promise<OAuthClientWithSecretDto> {
    const { client, secret } = await this.clients.rotateSecret(p.orgId, id, b.grace_period_seconds ?? 0, actorOf(p));
    return { ...toOAuthClientDto(client), client_secret: secret };
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an OAuth client; its tokens stop working' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.clients.delete(p.orgId, id, actorOf(p));
  }
}
