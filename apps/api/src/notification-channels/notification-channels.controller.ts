import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { actorOf, type Principal } from '@gatehouse/credentials';
import { NotificationChannelsService } from '@gatehouse/notifications';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import {
  CreateNotificationChannelDto,
  NotificationChannelDto,
  NotificationChannelListDto,
  NotificationChannelWithSecretDto,
  toNotificationChannelDto,
  UpdateNotificationChannelDto,
} from './notification-channels.dto.js';

@ApiTags('notification channels')
@Controller('api/notification-channels')
export class NotificationChannelsController {
  constructor(private readonly channels: NotificationChannelsService) {}

  @Post()
  @Scopes('admin')
  @ApiOperation({ summary: 'Add a channel approval requests are sent to; its signing secret is answered once' })
  @ApiResponse({ status: 201, type: NotificationChannelWithSecretDto })
  @ApiErrors(400, 409, 415)
  async create(@CurrentPrincipal() p: Principal, @Body() b: CreateNotificationChannelDto): Promise<NotificationChannelWithSecretDto> {
    const channel = await this.channels.create(p.orgId, b, actorOf(p));
    return { ...toNotificationChannelDto(channel), secret: channel.secret };
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'List notification channels (never their secrets)' })
  @ApiResponse({ status: 200, type: NotificationChannelListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto): Promise<NotificationChannelListDto> {
    const page = await this.channels.list(p.orgId, q.limit, q.cursor);
    return { notification_channels: page.items.map(toNotificationChannelDto), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'Get a notification channel' })
  @ApiResponse({ status: 200, type: NotificationChannelDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<NotificationChannelDto> {
    return toNotificationChannelDto(await this.channels.get(p.orgId, id));
  }

  @Patch(':id')
  @Scopes('admin')
  @ApiOperation({ summary: 'Rename, retarget, retype, enable or disable a channel' })
  @ApiResponse({ status: 200, type: NotificationChannelDto })
  @ApiErrors(400, 404, 409, 415)
  async update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() b: UpdateNotificationChannelDto): Promise<NotificationChannelDto> {
    return toNotificationChannelDto(await this.channels.update(p.orgId, id, b, actorOf(p)));
  }

  @Post(':id/rotate-secret')
  @Scopes('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the signing secret (the old one stops at once); the new one is answered once' })
  @ApiResponse({ status: 200, type: NotificationChannelWithSecretDto })
  @ApiErrors(404)
  async rotateSecret(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<NotificationChannelWithSecretDto> {
    const channel = await this.channels.rotateSecret(p.orgId, id, actorOf(p));
    return { ...toNotificationChannelDto(channel), secret: channel.secret };
  }

  @Delete(':id')
  @Scopes('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a channel (its delivery records go with it)' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async delete(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.channels.delete(p.orgId, id, actorOf(p));
  }
}
