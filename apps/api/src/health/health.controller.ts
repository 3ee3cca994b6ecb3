import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrismaService } from '@gatehouse/db';
import { RedisService } from '@gatehouse/redis';
import { APP_VERSION } from '../version.js';

class HealthDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: '0.1.0' })
  version: string;
}

class ReadyDto {
  @ApiProperty({ example: 'ready', enum: ['ready', 'not_ready'] })
  status: 'ready' | 'not_ready';

  @ApiProperty({ example: { postgres: 'ok', redis: 'ok' } })
  checks: Record<string, string>;
}

const CHECK_TIMEOUT_MS = 2000;

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message.split('\n')[0].slice(0, 120)}`;
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiResponse({ status: 200, type: HealthDto })
  health(): HealthDto {
    return { status: 'ok', version: APP_VERSION };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: Postgres and Redis answer' })
  @ApiResponse({ status: 200, type: ReadyDto })
  @ApiResponse({ status: 503, type: ReadyDto })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadyDto> {
    const [postgres, redis] = await Promise.all([check(() => this.prisma.ping()), check(() => this.redis.ping())]);
    const ok = postgres === 'ok' && redis === 'ok';
    if (!ok) res.status(503);
    return { status: ok ? 'ready' : 'not_ready', checks: { postgres, redis } };
  }
}
