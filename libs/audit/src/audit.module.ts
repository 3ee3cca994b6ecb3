import { Global, Module } from '@nestjs/common';
import { AdminAuditRepository } from './admin-audit.repository.js';
import { AdminAuditService } from './admin-audit.service.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditLogWriter } from './audit-log.writer.js';

@Global()
@Module({
  providers: [AdminAuditRepository, AdminAuditService, AuditLogRepository, AuditLogService, AuditLogWriter],
  exports: [AdminAuditService, AuditLogRepository, AuditLogService, AuditLogWriter],
})
export class AuditModule {}
