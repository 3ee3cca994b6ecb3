import { Module } from '@nestjs/common';
import { ApprovalsModule } from '@gatehouse/approvals';
import { ApproveController } from './approve.controller.js';
import { ApproveCsrfService } from './approve-csrf.service.js';
import { ApproveFormGuard, ApproveRateLimitGuard } from './approve.guards.js';

/** The public approve/deny links. */
@Module({
  imports: [ApprovalsModule],
  controllers: [ApproveController],
  providers: [ApproveCsrfService, ApproveRateLimitGuard, ApproveFormGuard],
})
export class ApproveHttpModule {}
