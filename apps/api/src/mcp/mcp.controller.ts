import { Controller, Delete, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { McpHttpService } from './mcp-http.service.js';

const SESSION = { name: 'Mcp-Session-Id', required: false, description: 'Answered by initialize; required afterwards' };

@ApiTags('mcp')
@Controller('mcp')
export class McpController {
  constructor(private readonly mcp: McpHttpService) {}

  @Post(':orgSlug')
  @Scopes('mcp:call')
  @ApiOperation({ summary: 'MCP streamable HTTP: initialize, ping, tools/list, tools/call, notifications (JSON-RPC)' })
  @ApiHeader({ name: 'X-MCP-Gateway', required: false, description: 'Gateway saved_name (default: the org default)' })
  @ApiHeader({ name: 'X-MCP-Gateway-Version', required: false, description: 'Default v1' })
  @ApiHeader(SESSION)
  @ApiBody({ schema: { type: 'object', example: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} } } })
  @ApiResponse({ status: 200, description: 'JSON-RPC response' })
  @ApiResponse({ status: 202, description: 'Notification accepted' })
  @ApiErrors(400, 404, 415, 429)
  async post(@CurrentPrincipal() p: Principal, @Param('orgSlug') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.mcp.assertOrg(p, slug);
    await this.mcp.post(p, req, res);
  }

  @Get(':orgSlug')
  @Scopes('mcp:call')
  @ApiOperation({
    summary: 'Server-to-client SSE stream of a session (kept alive; Gatehouse sends no server requests)',
    description: 'At most 4 open streams per session on one replica; streams end with their session.',
  })
  @ApiHeader(SESSION)
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 409, description: 'JSON-RPC error body: the session already has 4 open streams' })
  @ApiErrors(400, 404)
  async get(@CurrentPrincipal() p: Principal, @Param('orgSlug') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.mcp.assertOrg(p, slug);
    await this.mcp.get(p, req, res);
  }

  @Delete(':orgSlug')
  @Scopes('mcp:call')
  @ApiOperation({ summary: 'End a session' })
  @ApiHeader(SESSION)
  @ApiResponse({ status: 200, description: 'Session ended' })
  @ApiErrors(400, 404)
  async delete(@CurrentPrincipal() p: Principal, @Param('orgSlug') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.mcp.assertOrg(p, slug);
    await this.mcp.delete(p, req, res);
  }
}
