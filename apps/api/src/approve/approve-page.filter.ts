import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, RateLimitedError } from '@gatehouse/common';
import { AllExceptionsFilter } from '../http/all-exceptions.filter.js';
import { STATUS_BY_KIND } from '../http/error-body.js';
import { requestIdOf } from '../http/request-id.js';
import { applyPageHeaders, prefersHtml } from './approve.http.js';
import { renderErrorPage } from './approve.page.js';

/** Errors of the approve links: a page for browsers, the SPEC §5 body (the global filter's) for API clients. */
@Catch()
export class ApprovePageFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');
  private readonly json = new AllExceptionsFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    applyPageHeaders(res);
    res.removeHeader('Content-Type');
    if (!prefersHtml(req)) return this.json.catch(exception, host);

    const requestId = requestIdOf(req);
    let status = 500;
    let message = `Internal server error (request id ${requestId})`;
    if (exception instanceof DomainError) {
      status = STATUS_BY_KIND[exception.kind];
      message = exception.message;
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      status = exception.getStatus();
      message = exception.message;
    }
    if (status >= 500) this.logger.error({ err: exception, request_id: requestId }, 'unhandled error');
    const retryAfterSeconds = exception instanceof RateLimitedError ? exception.retryAfterSeconds : undefined;
    if (retryAfterSeconds) res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(status).type('html').send(renderErrorPage({ status, message, requestId, retryAfterSeconds }));
  }
}
