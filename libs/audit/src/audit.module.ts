import { Global, Module } from '@nestjs/common';
import { AdminAuditRepository } from './admin-audit.repository.js';
import { AdminAuditService } from './admin-audit.service.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditLogWriter } from './audit-log.writer.js';

@Global()
@Module({
  providers: [AdminAuditRepository, AdminAuditService, AuditLogRepository, AuditLogWriter],
  exports: [AdminAuditService, AuditLogRepository, AuditLogWriter],
})
export class AuditModule {}
