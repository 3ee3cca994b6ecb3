import type { NextFunction, Request, Response } from 'express';
import { safeEqual } from '@gatehouse/common';
import { errorBody } from '../http/error-body.js';
import { requestIdOf } from '../http/request-id.js';

/** The presented key, from `Authorization: Bearer`, `X-API-Key`, or Basic (any user name, the key as password: browsers prompt for it). */
function presentedKey(req: Request): string | null {
  const header = req.headers.authorization;
  if (header) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer) return bearer[1];
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 ? decoded.slice(colon + 1) : null;
    }
    return null;
  }
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Platform admins only (ADMIN_API_KEY, compared in constant time). Because a
 * browser replays Basic credentials on its own, a state-changing request must
 * be JSON: an HTML form on another site cannot send that without a CORS
 * preflight, which is never granted.
 */
export function adminKeyMiddleware(adminKey: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = presentedKey(req);
    const fail = (status: number, code: string, message: string) => {
      if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="gatehouse platform admin", charset="UTF-8"');
      res.status(status).json(errorBody(status, code, message, requestIdOf(req)));
    };
    if (key === null) {
      fail(401, 'auth_missing_credentials', 'Authorization header required');
      return;
    }
    if (!safeEqual(key, adminKey)) {
      fail(401, 'auth_invalid_credentials', 'Invalid admin API key. Administrative operations require admin_apikey.');
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!SAFE_METHODS.has(req.method) && type !== 'application/json' && Number(req.headers['content-length'] ?? 0) > 0) {
      fail(415, 'unsupported_media_type', 'Content-Type must be application/json');
      return;
    }
    next();
  };
}
