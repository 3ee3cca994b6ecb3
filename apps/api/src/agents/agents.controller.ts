import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AgentsService } from '@gatehouse/agents';
import { actorOf, type Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { AgentDto, AgentListDto, CreateAgentDto, toAgentDto, UpdateAgentDto } from './agents.dto.js';

@ApiTags('agents')
@Controller('api/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Register an agent identity' })
  @ApiResponse({ status: 201, type: AgentDto })
  @ApiErrors(400, 409, 415)
  async create(@CurrentPrincipal() p: Principal, @Body() b: CreateAgentDto): Promise<AgentDto> {
    return toAgentDto(await this.agents.create(p.orgId, b, actorOf(p)));
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List agents' })
  @ApiResponse({ status: 200, type: AgentListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<AgentListDto> {
    const page = await this.agents.list(p.orgId, q.limit, q.cursor);
    return { agents: page.items.map(toAgentDto), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get an agent' })
  @ApiResponse({ status: 200, type: AgentDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<AgentDto> {
    return toAgentDto(await this.agents.get(p.orgId, id));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Rename or describe an agent' })
  @ApiResponse({ status: 200, type: AgentDto })
  @ApiErrors(400, 404, 409, 415)
  async update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: UpdateAgentDto): Promise<AgentDto> {
    return toAgentDto(await this.agents.update(p.orgId, id, b, actorOf(p)));
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an agent; bound credentials stay, unbound' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.agents.delete(p.orgId, id, actorOf(p));
  }
}
