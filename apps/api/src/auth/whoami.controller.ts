import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { effectiveScopes, type Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from './principal.decorator.js';
import { Scopes } from './scopes.decorator.js';

class WhoAmIDto {
  @ApiProperty({ example: 'api_key', enum: ['api_key', 'oauth_client'] })
  credential_type: Principal['kind'];

  @ApiProperty({ example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  credential_id: string;

  @ApiProperty({ example: 'org_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  org_id: string;

  @ApiProperty({ example: 'acme' })
  org_slug: string;

  @ApiProperty({ example: ['mcp:call'], description: 'Effective scopes (with implied ones)' })
  scopes: string[];

  @ApiProperty({ nullable: true, type: String, example: null })
  agent_id: string | null;
}

@ApiTags('auth')
@Controller('api/whoami')
export class WhoAmIController {
  @Get()
  @Scopes()
  @ApiOperation({ summary: 'The credential making this request, its organisation and effective scopes' })
  @ApiResponse({ status: 200, type: WhoAmIDto })
  whoami(@CurrentPrincipal() p: Principal): WhoAmIDto {
    return {
      credential_type: p.kind,
      credential_id: p.credentialId,
      org_id: p.orgId,
      org_slug: p.orgSlug,
      scopes: [...effectiveScopes(p.scopes)],
      agent_id: p.agentId,
    };
  }
}
