import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino, type Logger } from 'pino';
import { attachRequestLog, loggableUrl } from './logger.options.js';

describe('logged URLs', () => {
  it('never carry an approval link token or a query string', () => {
    expect(loggableUrl('/v1/approve/apt_3kTqAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg?action=approve')).toBe('/v1/approve/[redacted]');
    expect(loggableUrl('/v1/approve/anything')).toBe('/v1/approve/[redacted]');
    expect(loggableUrl('/api/audit?cursor=aud_x&limit=5')).toBe('/api/audit');
    expect(loggableUrl('/mcp/acme')).toBe('/mcp/acme');
    expect(loggableUrl(undefined)).toBe('');
  });
});

describe('access log', () => {
  const capture = (level: string): { root: Logger; lines: () => Record<string, unknown>[] } => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    return { root: pino({ level }, stream), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  };
  const exchange = (url: string): { req: IncomingMessage; res: ServerResponse } => {
    const req = Object.assign(new EventEmitter(), { url, method: 'POST', id: 'req_1', readableAborted: false }) as unknown as IncomingMessage;
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableEnded: true, getHeaders: () => ({}) }) as unknown as ServerResponse;
    return { req, res };
  };

  it('writes one line per request, carrying its request id', () => {
    const { root, lines } = capture('info');
    const { req, res } = exchange('/mcp/acme?x=1');
    attachRequestLog(req, res, root, 'req_1');
    res.emit('finish');
    res.emit('close');
    expect(lines()).toEqual([
      expect.objectContaining({ request_id: 'req_1', msg: 'request completed', req: { id: 'req_1', method: 'POST', url: '/mcp/acme' }, res: expect.objectContaining({ statusCode: 200 }) }),
    ]);
  });

  it('says errored for a 5xx answer', () => {
    const { root, lines } = capture('info');
    const { req, res } = exchange('/v1/check');
    (res as { statusCode: number }).statusCode = 500;
    attachRequestLog(req, res, root, 'req_2');
    res.emit('finish');
    expect(lines()).toEqual([expect.objectContaining({ request_id: 'req_2', msg: 'request errored' })]);
  });

  it('listens for nothing when info is off', () => {
    const { root, lines } = capture('warn');
    const { req, res } = exchange('/mcp/acme');
    attachRequestLog(req, res, root, 'req_3');
    expect((res as unknown as EventEmitter).listenerCount('finish')).toBe(0);
    res.emit('finish');
    expect(lines()).toEqual([]);
  });
});
