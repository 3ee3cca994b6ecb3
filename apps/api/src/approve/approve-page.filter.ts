import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimitedError } from '@gatehouse/common';
import { requestIdOf } from '../http/request-id.js';
import { describeError, logServerError, sendError } from '../http/send-error.js';
import { applyPageHeaders, prefersHtml } from './approve.http.js';
import { renderErrorPage } from './approve.page.js';

/** Errors of the approve links: a page for browsers, the SPEC §5 body (the global filter's) for API clients. */
@Catch()
export class ApprovePageFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    applyPageHeaders(res);
    res.removeHeader('Content-Type');
    if (!prefersHtml(req)) return sendError(req, res, exception);

    const requestId = requestIdOf(req);
    const { status, message } = describeError(exception, req);
    if (status >= 500) logServerError(exception, requestId);
    const retryAfterSeconds = exception instanceof RateLimitedError ? exception.retryAfterSeconds : undefined;
    if (retryAfterSeconds) res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(status).type('html').send(renderErrorPage({ status, message, requestId, retryAfterSeconds }));
  }
}
