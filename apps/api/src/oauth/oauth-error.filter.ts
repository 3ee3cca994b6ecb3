import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { OAuthError } from '@gatehouse/credentials';

/** RFC 6749 §5.2 bodies for the token endpoint; other errors go on to the global filter. */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(err: OAuthError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const status = err.error === 'invalid_client' ? 401 : 400;
    if (status === 401) {
      res.setHeader('WWW-Authenticate', err.viaBasic ? 'Basic realm="gatehouse"' : 'Basic realm="gatehouse", error="invalid_client"');
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    res.status(status).json({ error: err.error, error_description: err.description });
  }
}
