import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainError } from '@gatehouse/common';

const DEFAULT_TYPES = ['application/json'];

/**
 * A request that carries a body must say it is one of the media types the
 * route documents (`@ApiConsumes`, default JSON): one declaration serves both
 * the OpenAPI document and enforcement.
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return true;
    const accepted =
      this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [context.getHandler(), context.getClass()]) ??
      DEFAULT_TYPES;
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!accepted.includes(type)) {
      throw new DomainError('unsupported_media_type', 'unsupported_media_type', `Content-Type must be ${accepted.join(' or ')}`);
    }
    return true;
  }
}
