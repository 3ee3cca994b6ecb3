import { Global, Module } from '@nestjs/common';
import { ApprovalsModule } from '@gatehouse/approvals';
import { CallPipelineService } from './call-pipeline.service.js';
import { CheckService } from './check.service.js';
import { DataplaneRepository } from './dataplane.repository.js';
import { McpSessionStore } from './mcp-session.store.js';
import { ToolCatalogService } from './tool-catalog.service.js';
import { UpstreamPool } from './upstream-pool.js';

@Global()
@Module({
  imports: [ApprovalsModule],
  providers: [CallPipelineService, CheckService, DataplaneRepository, McpSessionStore, ToolCatalogService, UpstreamPool],
  exports: [CallPipelineService, CheckService, McpSessionStore, ToolCatalogService],
})
export class DataplaneModule {}
