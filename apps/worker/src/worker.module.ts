import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ApprovalsModule } from '@gatehouse/approvals';
import { AuditModule } from '@gatehouse/audit';
import { ConfigModule, type Env } from '@gatehouse/config';
import { ConnectorsModule } from '@gatehouse/connectors';
import { DbModule } from '@gatehouse/db';
import { NotificationsModule } from '@gatehouse/notifications';
import { RedisModule } from '@gatehouse/redis';
import { SecretHygieneService } from '@gatehouse/credentials';
import { ApprovalNotificationsProcessor } from './processors/approval-notifications.processor.js';
import { MaintenanceProcessor } from './processors/maintenance.processor.js';
import { WorkerService } from './worker.service.js';

@Module({})
export class WorkerModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(env), LoggerModule.forRoot({ pinoHttp: { level: env.LOG_LEVEL } }), DbModule, RedisModule, AuditModule, ConnectorsModule, ApprovalsModule, NotificationsModule],
      providers: [SecretHygieneService, MaintenanceProcessor, ApprovalNotificationsProcessor, WorkerService],
    };
  }
}
