import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataChangeFeed } from '@gatehouse/db';
import { RedisService } from '@gatehouse/redis';
import { changeFeedLive, pubsubChannelLive, registry } from './metrics.js';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(
    private readonly changes: DataChangeFeed,
    private readonly redis: RedisService,
  ) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format' })
  async metrics(@Res() res: Response): Promise<void> {
    changeFeedLive.set(this.changes.live ? 1 : 0);
    for (const [channel, live] of this.redis.channelLiveness()) pubsubChannelLive.set({ channel }, live ? 1 : 0);
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  }
}
