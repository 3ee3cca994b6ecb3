import type { Request, Response } from 'express';
import { PAGE_HEADERS } from './approve.page.js';

const FORM = 'application/x-www-form-urlencoded';

export function isFormPost(req: Request): boolean {
  return req.method === 'POST' && (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === FORM;
}

/**
 * Browsers get pages, API clients the SPEC §5 JSON. A form post is a browser
 * unless it asks for JSON; anything else is an API client unless it prefers
 * HTML (a browser's Accept does).
 */
export function prefersHtml(req: Request): boolean {
  return isFormPost(req) ? req.accepts(['html', 'json']) === 'html' : req.accepts(['json', 'html']) === 'html';
}

export function applyPageHeaders(res: Response): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
  res.vary('Accept');
}

/** The origins a form post to the links may come from: this request's host and the public base URL. */
export function ownOrigins(req: Request, publicBaseUrl: string | undefined): string[] {
  const origins = [`${req.protocol}://${req.get('host') ?? ''}`.toLowerCase()];
  if (publicBaseUrl) origins.push(new URL(publicBaseUrl).origin.toLowerCase());
  return origins;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
