import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

const directRoutes = new WeakMap<Request, string>();

/** The route template of a request answered outside Express's router (the data plane's direct routes). */
export function labelRoute(req: Request, template: string): void {
  directRoutes.set(req, template);
}

/** Labels by route template, never by raw path, so ids cannot explode the series count. */
export function metricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    const route = directRoutes.get(req) ?? `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? 'unmatched'}`;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
  });
  next();
}
