import { Global, Module } from '@nestjs/common';
import { ApprovalsModule } from '@gatehouse/approvals';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { CallPipelineService } from './call-pipeline.service.js';
import { CheckService } from './check.service.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { DatabasePool } from './database-pool.js';
import { DataplaneRepository } from './dataplane.repository.js';
import { McpSessionStore } from './mcp-session.store.js';
import { ToolCatalogService } from './tool-catalog.service.js';
import { UpstreamPool } from './upstream-pool.js';

@Global()
@Module({
  imports: [ApprovalsModule],
  providers: [
    CallPipelineService,
    CheckService,
    DataplaneRepository,
    McpSessionStore,
    ToolCatalogService,
    UpstreamPool,
    DatabasePool,
    {
      // One breaker per connector, whatever its kind. A trial is given as long as a call may take before another may go out.
      provide: CircuitBreaker,
      useFactory: (env: Env) => new CircuitBreaker(5, 30_000, env.UPSTREAM_CALL_TIMEOUT_MS + 5_000),
      inject: [APP_CONFIG],
    },
  ],
  exports: [CallPipelineService, CheckService, McpSessionStore, ToolCatalogService],
})
export class DataplaneModule {}
