import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failed; `details` names each field',
  401: 'Missing, invalid, expired or disabled credential',
  403: 'The credential lacks a required scope',
  404: 'No such resource in this organisation',
  409: 'Conflict with the current state',
  410: 'Gone',
  412: 'If-Match does not match the current ETag',
  413: 'Request body too large',
  415: 'Unsupported Content-Type',
  422: 'Semantically invalid request',
  429: 'Rate limited; see Retry-After',
};

/** Documents the SPEC §5 error body for the given statuses. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto })),
  );
}
