import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ForbiddenError } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { checkSameSite, CSRF_COOKIE, CSRF_FIELD, csrfCookie, csrfFieldValue, csrfMatches, isCsrfSecret, newCsrfSecret, readCookie } from './approve-csrf.js';
import { ownOrigins } from './approve.http.js';

/** Issues the approve form's CSRF value with the page and checks it on the post. */
@Injectable()
export class ApproveCsrfService {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly env: Env) {
    // A key of its own, derived so that a CSRF value can never be anything else.
    this.key = createHash('sha256').update('gatehouse/approve-csrf/').update(Buffer.from(env.ENCRYPTION_KEY, 'base64')).digest();
  }

  /** Reuses the browser's cookie when it has one (several approval pages open at once), else sets a fresh one. */
  issue(req: Request, res: Response, linkToken: string): string {
    let secret = readCookie(req.headers.cookie, CSRF_COOKIE);
    if (!isCsrfSecret(secret)) {
      secret = newCsrfSecret();
      res.append('Set-Cookie', csrfCookie(secret, req.secure));
    }
    return csrfFieldValue(this.key, secret, linkToken);
  }

  verify(req: Request, linkToken: string): void {
    const site = checkSameSite(
      { origin: req.get('origin'), secFetchSite: req.get('sec-fetch-site') },
      ownOrigins(req, this.env.PUBLIC_BASE_URL),
    );
    if (!site.ok) throw new ForbiddenError(`Cross-site form posts are refused (${site.why})`, 'cross_site_request');
    const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (!csrfMatches(this.key, readCookie(req.headers.cookie, CSRF_COOKIE), linkToken, field)) {
      throw new ForbiddenError('The form’s CSRF token is missing or does not match; open the approval link again', 'csrf_token_invalid');
    }
  }
}
