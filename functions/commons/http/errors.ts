/**
 * Errors a client may see. Each carries the HTTP status and a stable machine code; the message is written for
 * the caller and never contains an AWS message verbatim. Anything that is not an ApiError becomes a generic 500.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown; field?: string; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.field = options?.field;
    this.headers = options?.headers ?? {};
  }
  readonly field: string | undefined;
  readonly headers: Record<string, string>;
}

export class ValidationError extends ApiError {
  override name = 'ValidationError';
  constructor(field: string, message: string) {
    super(400, 'ValidationError', `${field}: ${message}`, { field });
  }
}

export class MalformedJsonError extends ApiError {
  override name = 'MalformedJsonError';
  constructor(cause?: unknown) {
    super(400, 'MalformedJson', 'The request body is not valid JSON', { cause });
  }
}

export class UnauthorizedError extends ApiError {
  override name = 'UnauthorizedError';
  constructor() {
    super(401, 'Unauthorized', 'The request carries no authenticated identity');
  }
}

export class ForbiddenError extends ApiError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
  constructor(message = 'No such environment') {
    super(404, 'NotFound', message);
  }
}

export class PayloadTooLargeError extends ApiError {
  override name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super(413, 'PayloadTooLarge', `The request body exceeds ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  override name = 'UnsupportedMediaTypeError';
  constructor() {
    super(415, 'UnsupportedMediaType', 'The request body must be JSON (Content-Type: application/json)');
  }
}

/** The generic answer for anything unexpected: no internals, ever. */
export const internalErrorBody = {
  error: { code: 'InternalError', message: 'Something went wrong on our side; please retry later' },
} as const;
