import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AgentsModule } from '@gatehouse/agents';
import { ApprovalsModule } from '@gatehouse/approvals';
import { AuditModule } from '@gatehouse/audit';
import { ConnectorsModule } from '@gatehouse/connectors';
import { DataplaneModule } from '@gatehouse/dataplane';
import { GatewaysModule } from '@gatehouse/gateways';
import { ConfigModule, type Env } from '@gatehouse/config';
import { CredentialsModule } from '@gatehouse/credentials';
import { DbModule } from '@gatehouse/db';
import { NotificationsModule } from '@gatehouse/notifications';
import { OrgsModule } from '@gatehouse/orgs';
import { EffectivePolicyModule, PoliciesModule } from '@gatehouse/policy';
import { RateLimitModule } from '@gatehouse/rate-limit';
import { RedisModule } from '@gatehouse/redis';
import { AgentsController } from './agents/agents.controller.js';
import { ApprovalsController } from './approvals/approvals.controller.js';
import { ApproveHttpModule } from './approve/approve.module.js';
import { AdminAuditController } from './audit/admin-audit.controller.js';
import { AuditLogController } from './audit/audit-log.controller.js';
import { CheckController } from './check/check.controller.js';
import { ApiKeysController } from './api-keys/api-keys.controller.js';
import { AuthModule } from './auth/auth.module.js';
import { ConnectorsController } from './connectors/connectors.controller.js';
import { GatewaysController } from './gateways/gateways.controller.js';
import { WhoAmIController } from './auth/whoami.controller.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { DirectRoutes } from './data-plane/direct-routes.service.js';
import { AllExceptionsFilter } from './http/all-exceptions.filter.js';
import { ContentTypeGuard } from './http/content-type.guard.js';
import { loggerOptions } from './http/logger.options.js';
import { McpController } from './mcp/mcp.controller.js';
import { McpHttpService } from './mcp/mcp-http.service.js';
import { McpServerFactory } from './mcp/mcp-server.factory.js';
import { MembersController } from './members/members.controller.js';
import { NotificationChannelsController } from './notification-channels/notification-channels.controller.js';
import { PoliciesController } from './policies/policies.controller.js';
import { QueueBoard } from './queue-board/queue-board.js';
import { OAuthController } from './oauth/oauth.controller.js';
import { OAuthClientsController } from './oauth-clients/oauth-clients.controller.js';
import { AdminOrgsController } from './orgs/admin-orgs.controller.js';

@Module({})
export class AppModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRoot(loggerOptions(env)),
        DbModule,
        // Hooks run in this order at start and in reverse at shutdown: RateLimitModule sends its last consumes
        // before RedisModule closes the connection.
        RedisModule,
        RateLimitModule,
        AuditModule,
        CredentialsModule,
        OrgsModule,
        AgentsModule,
        ConnectorsModule,
        GatewaysModule,
        EffectivePolicyModule,
        PoliciesModule,
        ApprovalsModule,
        NotificationsModule,
        DataplaneModule,
        AuthModule,
        ApproveHttpModule,
      ],
      // The data plane first: Express tries routes in registration order.
      controllers: [
        CheckController,
        McpController,
        HealthController,
        MetricsController,
        AdminOrgsController,
        MembersController,
        ApiKeysController,
        OAuthClientsController,
        OAuthController,
        WhoAmIController,
        AgentsController,
        ConnectorsController,
        GatewaysController,
        AdminAuditController,
        AuditLogController,
        ApprovalsController,
        PoliciesController,
        NotificationChannelsController,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: ContentTypeGuard },
        McpHttpService,
        DirectRoutes,
        McpServerFactory,
        QueueBoard,
      ],
    };
  }
}
