import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@gatehouse/audit';
import { ConfigModule, type Env } from '@gatehouse/config';
import { ConnectorsModule } from '@gatehouse/connectors';
import { DbModule } from '@gatehouse/db';
import { SecretHygieneService } from '@gatehouse/credentials';
import { MaintenanceProcessor } from './processors/maintenance.processor.js';
import { WorkerService } from './worker.service.js';

@Module({})
export class WorkerModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(env), LoggerModule.forRoot({ pinoHttp: { level: env.LOG_LEVEL } }), DbModule, AuditModule, ConnectorsModule],
      providers: [SecretHygieneService, MaintenanceProcessor, WorkerService],
    };
  }
}
