import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PLATFORM_ADMIN } from '@gatehouse/credentials';
import { OrgsService } from '@gatehouse/orgs';
import { PlatformAdmin } from '../auth/admin.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import {
  CreatedOrganizationDto,
  CreateOrganizationDto,
  OrganizationDto,
  OrganizationListDto,
  toCreatedOrganizationDto,
  toOrganizationDto,
  UpdateOrganizationDto,
} from './orgs.dto.js';

@ApiTags('platform admin')
@PlatformAdmin()
@Controller('api/admin/orgs')
export class AdminOrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an organisation; answers its initial owner API key once' })
  @ApiResponse({ status: 201, type: CreatedOrganizationDto })
  @ApiErrors(400, 409, 413, 415)
  async create(@Body() body: CreateOrganizationDto): Promise<CreatedOrganizationDto> {
    return toCreatedOrganizationDto(await this.orgs.create({ slug: body.slug, name: body.name, ownerEmail: body.owner_email }, PLATFORM_ADMIN));
  }

  @Get()
  @ApiOperation({ summary: 'List organisations' })
  @ApiResponse({ status: 200, type: OrganizationListDto })
  @ApiErrors(400)
  async list(@Query() query: PageQueryDto): Promise<OrganizationListDto> {
    const page = await this.orgs.list(query.limit, query.cursor);
    return { organizations: page.items.map(toOrganizationDto), next_cursor: page.nextCursor };
  }

  @Get(':idOrSlug')
  @ApiOperation({ summary: 'Get an organisation by id or slug' })
  @ApiResponse({ status: 200, type: OrganizationDto })
  @ApiErrors(404)
  async get(@Param('idOrSlug') idOrSlug: string): Promise<OrganizationDto> {
    return toOrganizationDto(await this.orgs.get(idOrSlug));
  }

  @Patch(':idOrSlug')
  @ApiOperation({ summary: 'Rename an organisation or change its audit retention' })
  @ApiResponse({ status: 200, type: OrganizationDto })
  @ApiErrors(400, 404, 415)
  async update(@Param('idOrSlug') idOrSlug: string, @Body() body: UpdateOrganizationDto): Promise<OrganizationDto> {
    return toOrganizationDto(await this.orgs.update(idOrSlug, { name: body.name, auditRetentionDays: body.audit_retention_days, approvalTtlSeconds: body.approval_ttl_seconds }, PLATFORM_ADMIN));
  }

  @Delete(':idOrSlug')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an organisation and everything it owns' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@Param('idOrSlug') idOrSlug: string): Promise<void> {
    await this.orgs.delete(idOrSlug, PLATFORM_ADMIN);
  }
}
