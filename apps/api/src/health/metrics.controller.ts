import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { registry } from './metrics.js';

@ApiTags('operations')
@Controller()
export class MetricsController {
  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format' })
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  }
}
