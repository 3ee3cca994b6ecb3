import { Module } from '@nestjs/common';
import { ApprovalsModule } from '@gatehouse/approvals';
import { AuditModule } from '@gatehouse/audit';
import { ApprovalDeliveryService } from './approval-delivery.service.js';
import { NotificationChannelsRepository } from './notification-channels.repository.js';
import { NotificationChannelsService } from './notification-channels.service.js';

@Module({
  imports: [AuditModule, ApprovalsModule],
  providers: [NotificationChannelsRepository, NotificationChannelsService, ApprovalDeliveryService],
  exports: [NotificationChannelsService, ApprovalDeliveryService],
})
export class NotificationsModule {}
