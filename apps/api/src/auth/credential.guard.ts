import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { ForbiddenError } from '@gatehouse/common';
import { AuthenticatorService, hasScopes, type Principal, type Scope } from '@gatehouse/credentials';
import { SCOPES_KEY } from './scopes.decorator.js';

/** The caller of a request holding every one of `required`, or the typed 401/403. */
export async function authenticateRequest(authenticator: AuthenticatorService, req: IncomingMessage, required: readonly Scope[]): Promise<Principal> {
  const apiKey = req.headers['x-api-key'];
  const principal = await authenticator.authenticate({
    authorization: req.headers.authorization,
    apiKey: typeof apiKey === 'string' ? apiKey : undefined,
  });
  if (!hasScopes(principal.scopes, required)) {
    throw new ForbiddenError(`This action requires the scope(s): ${required.join(', ')}`);
  }
  return principal;
}

type Handler = ReturnType<ExecutionContext['getHandler']>;
type Controller = ReturnType<ExecutionContext['getClass']>;

/**
 * API key (Bearer or X-API-Key) or OAuth access token (Bearer), then the
 * handler's @Scopes(). The authenticator throws typed errors, so this calls it
 * directly (passport added a strategy lookup, a request augmentation and a
 * callback chain per request, and nothing else). The caller lands on `req.user`.
 */
@Injectable()
export class CredentialGuard implements CanActivate {
  /** @Scopes() metadata never changes after boot: one reflection per handler, not per request. */
  private readonly required = new WeakMap<Controller, WeakMap<Handler, Scope[]>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: AuthenticatorService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    req.user = await authenticateRequest(this.authenticator, req, this.scopesOf(context));
    return true;
  }

  private scopesOf(context: ExecutionContext): Scope[] {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.required.get(controller);
    if (!byHandler) this.required.set(controller, (byHandler = new WeakMap()));
    let scopes = byHandler.get(handler);
    if (!scopes) {
      scopes = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, [handler, controller]) ?? [];
      byHandler.set(handler, scopes);
    }
    return scopes;
  }
}
