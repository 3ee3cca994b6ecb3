import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { pino, stdSerializers, type Logger } from 'pino';
import type { Env } from '@gatehouse/config';
import { assignRequestId } from './request-id.js';

type LoggedRequest = IncomingMessage & { id?: unknown; originalUrl?: string };

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
 * nestjs-pino formats the services' log lines; its request middleware is not
 * used (`forRoutes: []`). That middleware kept each request's logger in an
 * AsyncLocalStorage, and on Node 20 any AsyncLocalStorage in use turns on
 * promise hooks for every promise of the process: about a tenth of the api's
 * CPU per proxied MCP call. Request ids reach the logs explicitly instead:
 * the access log line below, the logged 500 (`logServerError`), and the data
 * plane's own error lines, which take the request id from their call.
 */
export function loggerOptions(env: Env): Params {
  return { pinoHttp: { logger: rootLogger(env) }, useExisting: true, forRoutes: [] };
}

/** Every request gets an id (`X-Request-Id`) and, when info is on, an access log line carrying it. */
export function requestLoggerMiddleware(root: Logger): (req: LoggedRequest, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const id = typeof req.id === 'string' ? req.id : (req.id = assignRequestId(req, res));
    attachRequestLog(req, res, root, id);
    next();
  };
}

/**
 * The access log line of a request ("request completed" / "request aborted"
 * / "request errored", at info, as pino-http wrote it), with its
 * `request_id`. Nothing is built for it when info is off.
 */
export function attachRequestLog(req: LoggedRequest, res: ServerResponse, root: Logger, requestId: string): void {
  if (!root.isLevelEnabled('info') || IGNORED.has(req.url ?? '')) return;
  const started = Date.now();
  const done = (err?: unknown): void => {
    res.removeListener('close', done);
    res.removeListener('finish', done);
    res.removeListener('error', done);
    const responseTime = Date.now() - started;
    const request = { id: req.id, method: req.method, url: loggableUrl(req.originalUrl ?? req.url) };
    const log = root.child({ request_id: requestId });
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
