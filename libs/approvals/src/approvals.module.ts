import { Module } from '@nestjs/common';
import { AuditModule } from '@gatehouse/audit';
import { ApprovalEvents } from './approval-events.js';
import { ApprovalNotificationsQueue } from './approval-notifications.queue.js';
import { ApprovalsRepository } from './approvals.repository.js';
import { ApprovalsService } from './approvals.service.js';

@Module({
  imports: [AuditModule],
  providers: [ApprovalsRepository, ApprovalEvents, ApprovalNotificationsQueue, ApprovalsService],
  exports: [ApprovalsService, ApprovalsRepository],
})
export class ApprovalsModule {}
