import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '@gatehouse/common';

/** body-parser's failures, turned into typed errors before the framework can reword them. */
export function typedBodyErrors(parser: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void parser(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
      switch (type) {
        case 'entity.parse.failed':
          return next(new DomainError('validation', 'malformed_json', 'Request body is not valid JSON'));
        case 'entity.too.large':
          return next(new DomainError('payload_too_large', 'payload_too_large', 'Request body is too large'));
        case 'encoding.unsupported':
        case 'charset.unsupported':
          return next(new DomainError('unsupported_media_type', 'unsupported_media_type', 'Unsupported content encoding or charset'));
        default:
          return next(new DomainError('validation', 'bad_request', 'Request body could not be read'));
      }
    });
  };
}
