import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

type WithId = IncomingMessage & { id?: unknown };

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Reuses a caller's X-Request-Id when it is sane, so traces join up; otherwise mints one. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : `req_${randomUUID()}`;
  res.setHeader('X-Request-Id', id);
  return id;
}

export function requestIdOf(req: WithId): string {
  return typeof req.id === 'string' ? req.id : 'unknown';
}

/** First middleware of all: every answer, even a body-parser failure, carries the id. */
export function requestIdMiddleware(req: WithId, res: ServerResponse, next: () => void): void {
  req.id = assignRequestId(req, res);
  next();
}
