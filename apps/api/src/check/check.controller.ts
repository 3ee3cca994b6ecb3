import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@gatehouse/credentials';
import { CheckService } from '@gatehouse/dataplane';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { CheckRequestDto } from './check.request.js';

class CheckResponseDto {
  @ApiProperty({ enum: ['allow', 'deny', 'require_approval'], example: 'allow' })
  decision: string;

  @ApiProperty({ example: 'matched rule 0 of policy "default"' })
  reason: string;

  @ApiProperty({ example: 'pol_01jb2m4c8q3r5s7t9v1w3x5y7z', nullable: true, type: String })
  policyId: string | null;

  @ApiProperty({ example: 'aud_01jb2m4c8q3r5s7t9v1w3x5y7z', description: 'The audit entry of this check' })
  toolCallId: string;

  @ApiProperty({ example: 6 })
  latencyMs: number;
}

@ApiTags('mcp')
@Controller('v1/check')
export class CheckController {
  constructor(private readonly checks: CheckService) {}

  @Post()
  @HttpCode(200)
  @Scopes('mcp:call')
  @ApiOperation({ summary: 'Verdict for one tool call (seed enforgate); one audit entry; 500 and no verdict if it cannot be recorded; 404 when X-MCP-Gateway names a gateway that does not exist' })
  @ApiResponse({ status: 200, type: CheckResponseDto })
  @ApiErrors(400, 404, 415, 429)
  async check(
    @CurrentPrincipal() p: Principal,
    @Body() b: CheckRequestDto,
    @Headers('x-mcp-gateway') gateway: string | undefined,
    @Headers('x-mcp-gateway-version') version: string | undefined,
  ): Promise<CheckResponseDto> {
    return this.checks.check(p, b, { name: gateway, version });
  }
}
