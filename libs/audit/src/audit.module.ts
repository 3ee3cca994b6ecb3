import { Global, Module } from '@nestjs/common';
import { AdminAuditRepository } from './admin-audit.repository.js';
import { AdminAuditService } from './admin-audit.service.js';

@Global()
@Module({ providers: [AdminAuditRepository, AdminAuditService], exports: [AdminAuditService] })
export class AuditModule {}
