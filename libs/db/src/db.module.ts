import { Global, Module } from '@nestjs/common';
import { DataChangeFeed } from './data-change.feed.js';
import { PrismaService } from './prisma.service.js';

@Global()
@Module({ providers: [PrismaService, DataChangeFeed], exports: [PrismaService, DataChangeFeed] })
export class DbModule {}
