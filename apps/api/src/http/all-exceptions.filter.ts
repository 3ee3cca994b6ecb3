import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendError } from './send-error.js';

/** Nest's side of the single place where anything thrown becomes the SPEC §5 error body. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    sendError(ctx.getRequest<Request>(), ctx.getResponse<Response>(), exception);
  }
}
