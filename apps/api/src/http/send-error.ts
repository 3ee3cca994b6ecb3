import { HttpException, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, RateLimitedError, type FieldProblem } from '@gatehouse/common';
import { errorBody, STATUS_BY_KIND } from './error-body.js';
import { requestIdOf } from './request-id.js';

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'route_not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const logger = new Logger('HttpErrors');

/** A server-side failure, logged once with its request id (never sent to the caller). */
export function logServerError(exception: unknown, requestId: string): void {
  logger.error({ err: exception, request_id: requestId }, 'unhandled error');
}

export interface Described {
  status: number;
  code: string;
  message: string;
  details?: FieldProblem[];
}

/** Status, code and message of anything thrown, as SPEC §5 answers it. */
export function describeError(exception: unknown, req: IncomingMessage & { id?: unknown }): Described {
  if (exception instanceof DomainError) {
    return { status: STATUS_BY_KIND[exception.kind], code: exception.code, message: exception.message, details: exception.details };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const message = status === 404 ? `No route for ${req.method} ${(req.url ?? '').split('?')[0]}` : status < 500 ? exception.message : 'Internal server error';
    return { status, code: HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'), message };
  }
  return { status: 500, code: 'internal_error', message: `Internal server error (request id ${requestIdOf(req)})` };
}

/** A JSON answer on the bare Node response (what Express's res.json writes, without its ETag). */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const json = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/**
 * The single place where anything thrown becomes the SPEC §5 error body, for
 * Nest's filter and for the data plane's direct routes alike. Unknown errors
 * are logged with the request id and answered without detail.
 */
export function sendError(req: IncomingMessage & { id?: unknown }, res: ServerResponse, exception: unknown): void {
  const requestId = requestIdOf(req);
  const { status, code, message, details } = describeError(exception, req);
  if (status >= 500) logServerError(exception, requestId);
  if (res.headersSent) {
    // Too late for an error body (a streamed export failing midway): cut the response off, so that the client sees it
    // broken off rather than waiting on it, or taking what it got for the whole.
    if (!res.writableEnded) res.destroy();
    return;
  }
  if (exception instanceof RateLimitedError) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
  if (status === 401 && !res.getHeader('WWW-Authenticate')) {
    res.setHeader('WWW-Authenticate', `Bearer realm="gatehouse", error="invalid_token"`);
  }
  sendJson(res, status, errorBody(status, code, message, requestId, details));
}
