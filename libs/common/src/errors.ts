/**
 * Domain errors carry a machine code and a kind; the HTTP layer maps the kind
 * to a status. libs/ never throws HTTP exceptions because the worker runs the
 * same code.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id: string) {
    super('not_found', `${resource}_not_found`, `No ${resource.replace(/_/g, ' ')} found with id ${id}`);
  }
}

export class ValidationError extends DomainError {
  constructor(details: FieldProblem[], message?: string) {
    super('validation', 'validation_failed', message ?? details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
}

export class UnprocessableError extends DomainError {
  constructor(code: string, message: string, details?: FieldProblem[]) {
    super('unprocessable', code, message, details);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super('conflict', code, message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number, message = 'Too many requests') {
    super('rate_limited', 'rate_limited', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message: string, code = 'auth_invalid_credentials') {
    super('unauthenticated', code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, code = 'insufficient_scope') {
    super('forbidden', code, message);
  }
}

export class PreconditionFailedError extends DomainError {
  constructor(message: string) {
    super('precondition_failed', 'precondition_failed', message);
  }
}
