import type { IncomingMessage } from 'node:http';

/** A request header given once and not empty, else undefined. */
export function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
