import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { APP_VERSION } from './version.js';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Gatehouse')
    .setDescription(
      'Multi-tenant MCP gateway. Org routes take an API key (`Authorization: Bearer gth_live_…` or `X-API-Key`) or an OAuth access token; ' +
        '`/api/admin/*` takes the platform ADMIN_API_KEY. Errors: `{"error":{"code","message","status","request_id"}}`.',
    )
    .setVersion(APP_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (gth_live_…) or OAuth access token (JWT)' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key (gth_live_…)' }, 'api_key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Platform ADMIN_API_KEY' }, 'admin')
    .addOAuth2(
      { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: { admin: '', read: '', 'mcp:call': '', 'audit:read': '', 'approvals:decide': '' } } } },
      'oauth2',
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}
