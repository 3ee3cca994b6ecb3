import type { Params } from 'nestjs-pino';
import type { Env } from '@gatehouse/config';
import { assignRequestId } from './request-id.js';

/** JSON logs; every line of a request carries its id; credentials never reach a log. */
export function loggerOptions(env: Env): Params {
  return {
    pinoHttp: {
      level: env.LOG_LEVEL,
      genReqId: (req, res) => (typeof (req as { id?: unknown }).id === 'string' ? (req as { id: string }).id : assignRequestId(req, res)),
      customAttributeKeys: { reqId: 'request_id' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      quietReqLogger: true,
    },
  };
}
