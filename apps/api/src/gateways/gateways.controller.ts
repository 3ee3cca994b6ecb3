import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { actorOf, type Principal } from '@gatehouse/credentials';
import { GatewaysService, type Gateway } from '@gatehouse/gateways';
import { ValidationError } from '@gatehouse/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import {
  CreateGatewayDto,
  DiffQueryDto,
  etagOf,
  GatewayDiffDto,
  GatewayDto,
  GatewayListDto,
  GatewayListQueryDto,
  GatewayRevisionListDto,
  ModifiedGatewayDto,
  PatchGatewayDto,
  ReplaceGatewayDto,
  toDiffDto,
  toGatewayDto,
  toModifiedGatewayDto,
  toRevisionDto,
} from './gateways.dto.js';

const IF_MATCH = { name: 'If-Match', required: false, description: 'ETag from a previous read ("r<revision>"); 412 when it is stale' };

@ApiTags('gateways')
@Controller('api/gateways')
export class GatewaysController {
  constructor(private readonly gateways: GatewaysService) {}

  private withEtag(res: Response, g: Gateway): Gateway {
    res.setHeader('ETag', etagOf(g));
    return g;
  }

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Create a gateway (saved_name + version unique in the org)' })
  @ApiResponse({ status: 201, type: GatewayDto })
  @ApiErrors(400, 409, 415, 422)
  async create(@CurrentPrincipal() p: Principal, @Body() b: CreateGatewayDto, @Res({ passthrough: true }) res: Response): Promise<GatewayDto> {
    const g = await this.gateways.create(
      p.orgId,
      { savedName: b.saved_name, version: b.version, serversConfig: b.servers_config, isActive: b.is_active, isSample: b.is_sample, isDefault: b.is_default, policyId: b.policy_id },
      actorOf(p),
    );
    return toGatewayDto(this.withEtag(res, g));
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List gateways (optionally the versions of one saved_name)' })
  @ApiResponse({ status: 200, type: GatewayListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: GatewayListQueryDto): Promise<GatewayListDto> {
    const page = await this.gateways.list(p.orgId, q.limit, q.cursor, q.saved_name);
    return { gateways: page.items.map(toGatewayDto), next_cursor: page.nextCursor };
  }

  // Declared before ':id' so that "modify" is never read as an id.
  @Patch('modify')
  @Scopes('admin')
  @ApiOperation({ summary: 'Deep-merge PATCH of the gateway named by headers (seed: modify-gateway)' })
  @ApiHeader({ name: 'X-MCP-Gateway', required: true, description: 'Gateway saved_name' })
  @ApiHeader({ name: 'X-MCP-Gateway-Version', required: false, description: 'Default v1' })
  @ApiHeader(IF_MATCH)
  @ApiBody({ type: PatchGatewayDto })
  @ApiResponse({ status: 200, type: ModifiedGatewayDto })
  @ApiErrors(400, 404, 412, 415, 422)
  async modify(
    @CurrentPrincipal() p: Principal,
    @Headers('x-mcp-gateway') name: string | undefined,
    @Headers('x-mcp-gateway-version') version: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ModifiedGatewayDto> {
    if (!name) throw new ValidationError([{ field: 'X-MCP-Gateway', message: 'header is required (the gateway saved_name)' }]);
    const target = await this.gateways.getByName(p.orgId, name, version ?? 'v1');
    return toModifiedGatewayDto(this.withEtag(res, await this.gateways.patch(p.orgId, target.id, body, ifMatch, actorOf(p))));
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get a gateway (answers its ETag)' })
  @ApiResponse({ status: 200, type: GatewayDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<GatewayDto> {
    return toGatewayDto(this.withEtag(res, await this.gateways.get(p.orgId, id)));
  }

  @Put(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Replace a gateway’s configuration' })
  @ApiHeader(IF_MATCH)
  @ApiResponse({ status: 200, type: GatewayDto })
  @ApiErrors(400, 404, 412, 415, 422)
  async replace(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() b: ReplaceGatewayDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GatewayDto> {
    const g = await this.gateways.replace(
      p.orgId,
      id,
      { serversConfig: b.servers_config, isActive: b.is_active, isSample: b.is_sample, policyId: b.policy_id },
      ifMatch,
      actorOf(p),
    );
    return toGatewayDto(this.withEtag(res, g));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Deep-merge PATCH by id (same semantics as /modify)' })
  @ApiHeader(IF_MATCH)
  @ApiBody({ type: PatchGatewayDto })
  @ApiResponse({ status: 200, type: ModifiedGatewayDto })
  @ApiErrors(400, 404, 412, 415, 422)
  async patch(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ModifiedGatewayDto> {
    return toModifiedGatewayDto(this.withEtag(res, await this.gateways.patch(p.orgId, id, body, ifMatch, actorOf(p))));
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a gateway and its revisions' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.gateways.delete(p.orgId, id, actorOf(p));
  }

  @Post(':id/versions')
  @Scopes('admin')
  @ApiOperation({ summary: 'New version from this one: a copy with the next free version number' })
  @ApiResponse({ status: 201, type: GatewayDto })
  @ApiErrors(404)
  async newVersion(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<GatewayDto> {
    return toGatewayDto(await this.gateways.newVersion(p.orgId, id, actorOf(p)));
  }

  @Post(':id/default')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make this the org’s default gateway' })
  @ApiResponse({ status: 200, type: GatewayDto })
  @ApiErrors(404)
  async setDefault(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<GatewayDto> {
    return toGatewayDto(await this.gateways.setDefault(p.orgId, id, actorOf(p)));
  }

  @Get(':id/revisions')
  @Scopes('read')
  @ApiOperation({ summary: 'Every revision of a gateway, newest first' })
  @ApiResponse({ status: 200, type: GatewayRevisionListDto })
  @ApiErrors(404)
  async revisions(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<GatewayRevisionListDto> {
    return { revisions: (await this.gateways.revisions(p.orgId, id)).map(toRevisionDto) };
  }

  @Get(':id/revisions/diff')
  @Scopes('read')
  @ApiOperation({ summary: 'What changed between two revisions' })
  @ApiResponse({ status: 200, type: GatewayDiffDto })
  @ApiErrors(400, 404)
  async diff(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() q: DiffQueryDto): Promise<GatewayDiffDto> {
    return toDiffDto(q.from, q.to, await this.gateways.diff(p.orgId, id, q.from, q.to));
  }

  @Post(':id/revisions/:revision/rollback')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore an old revision’s content as a new revision' })
  @ApiResponse({ status: 200, type: GatewayDto })
  @ApiErrors(400, 404, 412, 422)
  async rollback(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('revision', ParseIntPipe) revision: number,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GatewayDto> {
    return toGatewayDto(this.withEtag(res, await this.gateways.rollback(p.orgId, id, revision, actorOf(p))));
  }
}
