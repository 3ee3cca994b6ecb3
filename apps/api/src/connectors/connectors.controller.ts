import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ConnectorsService } from '@gatehouse/connectors';
import { actorOf, type Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import {
  ConnectorDto,
  ConnectorListDto,
  ConnectorTestDto,
  CreateConnectorDto,
  ToolChangeDto,
  ToolChangeListDto,
  ToolListDto,
  ToolsQueryDto,
  toConnectorDto,
  toToolChangeDto,
  toToolDto,
  UpdateConnectorDto,
} from './connectors.dto.js';

@ApiTags('connectors')
@Controller('api/connectors')
export class ConnectorsController {
  constructor(private readonly connectors: ConnectorsService) {}

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Register an upstream; it is probed (initialize + tools/list) before the answer' })
  @ApiResponse({ status: 201, type: ConnectorDto })
  @ApiErrors(400, 409, 415, 422)
  async create(@CurrentPrincipal() p: Principal, @Body() b: CreateConnectorDto): Promise<ConnectorDto> {
    return toConnectorDto(await this.connectors.create(p.orgId, b, actorOf(p)));
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List connectors' })
  @ApiResponse({ status: 200, type: ConnectorListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<ConnectorListDto> {
    const page = await this.connectors.list(p.orgId, q.limit, q.cursor);
    return { connectors: page.items.map(toConnectorDto), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get a connector (secrets masked)' })
  @ApiResponse({ status: 200, type: ConnectorDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ConnectorDto> {
    return toConnectorDto(await this.connectors.get(p.orgId, id));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Rename or reconfigure; a changed config is probed again' })
  @ApiResponse({ status: 200, type: ConnectorDto })
  @ApiErrors(400, 404, 409, 415, 422)
  async update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: UpdateConnectorDto): Promise<ConnectorDto> {
    return toConnectorDto(await this.connectors.update(p.orgId, id, b, actorOf(p)));
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a connector and its pinned tools' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.connectors.delete(p.orgId, id, actorOf(p));
  }

  @Post(':id/test')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Probe the upstream now; an unreachable upstream is a result, not an error' })
  @ApiResponse({ status: 200, type: ConnectorTestDto })
  @ApiErrors(404)
  async test(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ConnectorTestDto> {
    const { connector, probe } = await this.connectors.test(p.orgId, id);
    return { ...toConnectorDto(connector), probe: { status: probe.status, reason: probe.reason, tool_count: probe.toolCount } };
  }

  @Get(':id/tools')
  @Scopes('read')
  @ApiOperation({ summary: 'The cached (pinned) tools; ?refresh=true probes first' })
  @ApiResponse({ status: 200, type: ToolListDto })
  @ApiErrors(400, 404)
  async tools(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() q: ToolsQueryDto): Promise<ToolListDto> {
    return { tools: (await this.connectors.tools(p.orgId, id, q.refresh ?? false)).map(toToolDto) };
  }

  @Get(':id/tool-changes')
  @Scopes('read')
  @ApiOperation({ summary: 'Tools added, changed (quarantined until accepted) or removed upstream, with before/after' })
  @ApiResponse({ status: 200, type: ToolChangeListDto })
  @ApiErrors(400, 404)
  async changes(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() q: PageQueryDto): Promise<ToolChangeListDto> {
    const page = await this.connectors.changes(p.orgId, id, q.limit, q.cursor);
    return { tool_changes: page.items.map(toToolChangeDto), next_cursor: page.nextCursor };
  }

  @Post(':id/tool-changes/:changeId/accept')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a changed tool definition: it becomes the pin and the tool is served again' })
  @ApiResponse({ status: 200, type: ToolChangeDto })
  @ApiErrors(404, 409)
  async accept(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Param('changeId') changeId: string): Promise<ToolChangeDto> {
    return toToolChangeDto(await this.connectors.acceptChange(p.orgId, id, changeId, actorOf(p)));
  }
}
