import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { ForbiddenError } from '@gatehouse/common';
import { hasScopes, type Principal, type Scope } from '@gatehouse/credentials';
import { CREDENTIAL_STRATEGY } from './credential.strategy.js';
import { SCOPES_KEY } from './scopes.decorator.js';

/** Authenticates through passport, then enforces the handler's @Scopes(). */
@Injectable()
export class CredentialGuard extends AuthGuard(CREDENTIAL_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const principal = context.switchToHttp().getRequest<Request & { user: Principal }>().user;
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, [context.getHandler(), context.getClass()]) ?? [];
    if (!hasScopes(principal.scopes, required)) {
      throw new ForbiddenError(`This action requires the scope(s): ${required.join(', ')}`);
    }
    return true;
  }

  // passport's own failure (no user) never happens: the strategy throws typed errors.
  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err instanceof Error ? err : new Error('authentication failed');
    return user;
  }
}
