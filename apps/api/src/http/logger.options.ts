import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { pino, stdSerializers, type Logger } from 'pino';
import type { Env } from '@gatehouse/config';
import { assignRequestId } from './request-id.js';

type LoggedRequest = IncomingMessage & { id?: unknown; log?: Logger; allLogs?: Logger[]; originalUrl?: string };

const IGNORED = new Set(['/health', '/metrics']);

const roots = new WeakMap<Env, Logger>();

/** JSON logs; credentials never reach a log. One root logger per app configuration. */
export function rootLogger(env: Env): Logger {
  let root = roots.get(env);
  if (!root) roots.set(env, (root = createRootLogger(env)));
  return root;
}

/** A URL as logged: no query string, and no capability in the path (an approval link's token approves whoever holds it). */
export function loggableUrl(url: string | undefined): string {
  return (url ?? '').split('?')[0].replace(/^\/v1\/approve\/[^/]+/, '/v1/approve/[redacted]');
}

function createRootLogger(env: Env): Logger {
  return pino({
    level: env.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      err: stdSerializers.err,
      req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: loggableUrl(req.url) }),
      res: (res: ServerResponse) => stdSerializers.res(res),
    },
  });
}

/**
 * nestjs-pino keeps the per-request logger in its async context (so a
 * service's log line carries the request id); the per-request logger itself
 * comes from `requestLoggerMiddleware`, not pino-http, which built two child
 * loggers and serialized the request on every request even when the access
 * log level was off.
 */
export function loggerOptions(env: Env): Params {
  return { pinoHttp: { logger: rootLogger(env) }, useExisting: true };
}

/**
 * Every log line of a request carries its id (`request_id`); the access log
 * ("request completed" / "request errored", at info, as pino-http wrote it)
 * costs nothing when info is off.
 */
export function requestLoggerMiddleware(root: Logger): (req: LoggedRequest, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const id = typeof req.id === 'string' ? req.id : (req.id = assignRequestId(req, res));
    attachRequestLog(req, res, root.child({ request_id: id }));
    next();
  };
}

/** `log` (a child carrying the request id) becomes the request's logger, and writes its access log line. */
export function attachRequestLog(req: LoggedRequest, res: ServerResponse, log: Logger): void {
  req.log = log;
  req.allLogs = [log];
  if (!log.isLevelEnabled('info') || IGNORED.has(req.url ?? '')) return;
  const started = Date.now();
  const done = (err?: unknown): void => {
    res.removeListener('close', done);
    res.removeListener('finish', done);
    res.removeListener('error', done);
    const responseTime = Date.now() - started;
    const request = { id: req.id, method: req.method, url: loggableUrl(req.originalUrl ?? req.url) };
    if (err instanceof Error || res.statusCode >= 500) {
      const error = err instanceof Error ? err : new Error(`failed with status code ${res.statusCode}`);
      log.info({ req: request, res, err: error, responseTime }, 'request errored');
    } else {
      log.info({ req: request, res, responseTime }, !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
    }
  };
  res.on('close', done);
  res.on('finish', done);
  res.on('error', done);
}
