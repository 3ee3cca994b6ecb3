import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { Scope } from '@gatehouse/credentials';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { CredentialGuard } from './credential.guard.js';

export const SCOPES_KEY = 'gatehouse:scopes';

/** An org-API route: authenticated by API key or access token, with these scopes. */
export function Scopes(...scopes: Scope[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(SCOPES_KEY, scopes),
    UseGuards(CredentialGuard),
    ApiBearerAuth('bearer'),
    ApiSecurity('api_key'),
    ApiErrors(401, 403, 429),
  );
}
