import type { ErrorKind, FieldProblem } from '@gatehouse/common';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    status: number;
    request_id: string;
    details?: FieldProblem[];
  };
}

export function errorBody(status: number, code: string, message: string, requestId: string, details?: FieldProblem[]): ErrorBody {
  return { error: { code, message, status, request_id: requestId, ...(details?.length ? { details } : {}) } };
}
