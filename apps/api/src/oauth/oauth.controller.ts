import { Body, Controller, Get, Header, HttpCode, Ip, Post, Req, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ClientCredentialsGrant, TokenService, type TokenResponse } from '@gatehouse/credentials';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { readClientCredentials } from './client-auth.js';
import { JwksDto, OAuthErrorDto, TokenRequestDto, TokenResponseDto } from './oauth.dto.js';
import { OAuthErrorFilter } from './oauth-error.filter.js';

@ApiTags('oauth')
@Controller()
export class OAuthController {
  constructor(
    private readonly grant: ClientCredentialsGrant,
    private readonly tokens: TokenService,
  ) {}

  @Post('oauth/token')
  @HttpCode(200)
  @UseFilters(OAuthErrorFilter)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenRequestDto })
  @ApiOperation({ summary: 'Client credentials grant (RFC 6749 §4.4); client auth by form fields or HTTP Basic' })
  @ApiResponse({ status: 200, type: TokenResponseDto })
  @ApiResponse({ status: 400, type: OAuthErrorDto, description: 'invalid_request, unsupported_grant_type, invalid_scope' })
  @ApiResponse({ status: 401, type: OAuthErrorDto, description: 'invalid_client (with WWW-Authenticate)' })
  @ApiErrors(413, 415, 429)
  async token(@Req() req: Request, @Body() body: unknown, @Ip() ip: string): Promise<TokenResponse> {
    const form = readClientCredentials(req.headers.authorization, body);
    return this.grant.exchange({ ...form, ip });
  }

  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS)' })
  @ApiResponse({ status: 200, type: JwksDto })
  jwks(): ReturnType<TokenService['jwks']> {
    return this.tokens.jwks();
  }
}
