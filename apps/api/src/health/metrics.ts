import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

/** Set when /metrics is read: whether the data-plane caches are in use (1) or bypassed because the feed is down (0). */
export const changeFeedLive = new Gauge({
  name: 'gatehouse_change_feed_live',
  help: "1 while the data-plane caches hear Postgres's change feed; 0 while they are bypassed (every call reads the database)",
  registers: [registry],
});

/** Set when /metrics is read, per Redis pub/sub channel (credential and session evictions, approvals, cancellations). */
export const pubsubChannelLive = new Gauge({
  name: 'gatehouse_pubsub_channel_live',
  help: '1 while the Redis pub/sub channel is subscribed on the current connection; 0 while messages on it are being missed',
  labelNames: ['channel'],
  registers: [registry],
});

/** Labels by route template, never by raw path, so ids cannot explode the series count. */
export function metricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  observeDuration(req, res);
  next();
}

/** Records the request's duration when it finishes, labelled `route` or, by default, by the Express route it matched. */
export function observeDuration(req: IncomingMessage & { baseUrl?: string; route?: unknown }, res: ServerResponse, route?: string): void {
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const label = route ?? `${req.baseUrl ?? ''}${(req.route as { path?: string } | undefined)?.path ?? 'unmatched'}`;
    httpDuration.observe({ method: req.method, route: label, status: String(res.statusCode) }, seconds);
  });
}
