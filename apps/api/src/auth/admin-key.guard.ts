import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { safeEqual, UnauthenticatedError } from '@gatehouse/common';

/** Platform admin: the one key from ADMIN_API_KEY. Texts follow the enkrypt admin-auth seed. */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: Env) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization;
    if (!header) throw new UnauthenticatedError('Authorization header required');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError("Invalid authorization format. Use 'Bearer <api_key>'");
    if (!safeEqual(match[1], this.config.ADMIN_API_KEY)) {
      throw new UnauthenticatedError('Invalid admin API key. Administrative operations require admin_apikey.');
    }
    return true;
  }
}
