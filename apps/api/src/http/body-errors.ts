import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '@gatehouse/common';

/** What a body that could not be read answers, by body-parser's error `type`. */
export function bodyError(type: unknown): DomainError {
  switch (type) {
    case 'entity.parse.failed':
      return new DomainError('validation', 'malformed_json', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new DomainError('payload_too_large', 'payload_too_large', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError('unsupported_media_type', 'unsupported_media_type', 'Unsupported content encoding or charset');
    default:
      return new DomainError('validation', 'bad_request', 'Request body could not be read');
  }
}

/** body-parser's failures, turned into typed errors before the framework can reword them. */
export function typedBodyErrors(parser: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void parser(req, res, (err?: unknown) => {
      if (!err) return next();
      next(bodyError(typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined));
    });
  };
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** BODY_LIMIT ('512b', '100kb', '1mb'; the config schema admits no other shape) in bytes, as body-parser counts it. */
export function bodyLimitBytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/.exec(limit);
  if (!m) throw new Error(`BODY_LIMIT ${limit} is not a size`);
  return Number(m[1]) * UNITS[m[2]];
}

/**
 * The JSON body of a request on a direct route, read as the app's
 * body-parser (`json({ strict: true, limit })`) reads it, without its
 * content-type parsing, charset lookup and stream plumbing per request:
 * `directRouteOf` admits only unencoded UTF-8 JSON, so what is left is the
 * limit (413, by Content-Length before reading, or as the bytes arrive), a
 * leading byte order mark dropped, an empty body read as `{}`, an object or
 * array only (strict), and 400 for anything else. Like body-parser, a
 * refused body is read to its end before the error is answered, so the
 * connection stays usable.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) fail('entity.too.large');
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      try {
        resolve(parseStrictJson(Buffer.concat(chunks, received).toString('utf8')));
      } catch {
        reject(bodyError('entity.parse.failed'));
      }
    };
    const fail = (type: string): void => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.resume();
      finished(req, () => reject(bodyError(type)));
    };
    req.once('error', () => reject(bodyError('request.aborted')));
    req.once('aborted', () => reject(bodyError('request.aborted')));
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      fail('entity.too.large');
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
  });
}

/** body-parser's strict JSON: `{}` for nothing, else an object or an array; throws otherwise. */
function parseStrictJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  // Wider than JSON's whitespace, but JSON.parse refuses what only this would skip.
  const first = body.trimStart()[0];
  if (first !== '{' && first !== '[') throw new SyntaxError('strict JSON: an object or an array');
  return JSON.parse(body) as unknown;
}
