import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Documentation only: the token endpoint reads its form by hand to answer RFC 6749 errors. */
export class TokenRequestDto {
  @ApiProperty({ example: 'client_credentials', enum: ['client_credentials'] })
  grant_type: string;

  @ApiPropertyOptional({ example: 'cli_01jb2m4c8q3r5s7t9v1w3x5y7z', description: 'Or HTTP Basic authentication' })
  client_id?: string;

  @ApiPropertyOptional({ example: 'gth_cs_…', description: 'Or HTTP Basic authentication' })
  client_secret?: string;

  @ApiPropertyOptional({ example: 'mcp:call', description: 'Space-separated; default mcp:call; must be a subset of the client’s' })
  scope?: string;
}

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJ…' })
  access_token: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ example: 3600 })
  expires_in: number;

  @ApiProperty({ example: 'mcp:call' })
  scope: string;
}

export class OAuthErrorDto {
  @ApiProperty({ example: 'invalid_client', enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'] })
  error: string;

  @ApiProperty({ example: 'Client authentication failed' })
  error_description: string;
}

export class JwksDto {
  @ApiProperty({ example: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: '…', alg: 'EdDSA', use: 'sig' }] })
  keys: Record<string, string>[];
}
