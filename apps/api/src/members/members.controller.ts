import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, MembersService, type Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { CreateMemberDto, MemberDto, MemberListDto, toMemberDto, UpdateMemberDto } from './members.dto.js';

@ApiTags('members')
@Controller('api/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Add a member to the organisation' })
  @ApiResponse({ status: 201, type: MemberDto })
  @ApiErrors(400, 409, 415)
  async create(@CurrentPrincipal() p: Principal, @Body() body: CreateMemberDto): Promise<MemberDto> {
    return toMemberDto(await this.members.create(p.orgId, body, actorOf(p)));
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List members' })
  @ApiResponse({ status: 200, type: MemberListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<MemberListDto> {
    const page = await this.members.list(p.orgId, q.limit, q.cursor);
    return { members: page.items.map(toMemberDto), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get a member' })
  @ApiResponse({ status: 200, type: MemberDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<MemberDto> {
    return toMemberDto(await this.members.get(p.orgId, id));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Change a member’s name or role' })
  @ApiResponse({ status: 200, type: MemberDto })
  @ApiErrors(400, 404, 409, 415)
  async update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: UpdateMemberDto): Promise<MemberDto> {
    return toMemberDto(await this.members.update(p.orgId, id, body, actorOf(p)));
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member (their API keys stay, unbound)' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404, 409)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.members.delete(p.orgId, id, actorOf(p));
  }
}
