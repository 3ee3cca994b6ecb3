import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { RateLimitService } from '@gatehouse/rate-limit';
import { ApproveCsrfService } from './approve-csrf.service.js';
import { clientIp, isFormPost } from './approve.http.js';

/** The links are public: each client IP gets APPROVAL_LINK_RATE_LIMIT_PER_IP requests a minute. */
@Injectable()
export class ApproveRateLimitGuard implements CanActivate {
  constructor(
    private readonly limits: RateLimitService,
    @Inject(APP_CONFIG) private readonly env: Env,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    await this.limits.consume({ name: 'approve-link-ip', points: this.env.APPROVAL_LINK_RATE_LIMIT_PER_IP, durationSeconds: 60 }, clientIp(req));
    return true;
  }
}

/**
 * Form posts (the page's) must come from our own page and carry its CSRF
 * value. JSON posts need neither: a cross-site JSON post needs a CORS
 * preflight, which is never granted, and other media types are refused (415).
 */
@Injectable()
export class ApproveFormGuard implements CanActivate {
  constructor(private readonly csrf: ApproveCsrfService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { params: { token?: string } }>();
    if (isFormPost(req)) this.csrf.verify(req, req.params.token ?? '');
    return true;
  }
}
