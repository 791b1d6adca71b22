import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '#commons/logger';
import {
  ApiError,
  internalErrorBody,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './errors';
import { type ApiResponse, json } from './response';

/** The event after jsonBody ran: `jsonBody` is the parsed body, or undefined when the request had none. */
export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer & { jsonBody?: unknown };
/** The per-request state a middleware sees: middy's request for an HTTP API event. */
export type ApiRequest = Request<ApiEvent, ApiResponse, unknown>;
export type Middleware = MiddlewareObj<ApiEvent, ApiResponse, unknown>;

export const DEFAULT_BODY_LIMIT_BYTES = 8 * 1024;

const isJsonContentType = (value: string | undefined): boolean => {
  if (value === undefined) return false;
  const mediaType = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
};

const headerValue = (event: ApiEvent, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const match = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return match === undefined ? undefined : headers[match];
};

/** Size limit (413), JSON content type (415) and JSON syntax (400) for any request that carries a body. */
export const jsonBody = (limitBytes = DEFAULT_BODY_LIMIT_BYTES): Middleware => ({
  name: 'jsonBody',
  before: ({ event }: ApiRequest) => {
    const raw = event.body;
    if (raw === undefined || raw === null || raw === '') {
      event.jsonBody = undefined;
      return;
    }
    const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    if (bytes.byteLength > limitBytes) throw new PayloadTooLargeError(limitBytes);
    if (!isJsonContentType(headerValue(event, 'content-type'))) throw new UnsupportedMediaTypeError();
    try {
      event.jsonBody = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new MalformedJsonError(error);
    }
  },
});

/** Typed errors → `{"error":{"code","message"}}`; anything else → logged, generic 500. */
export const errorResponses = (): Middleware => ({
  name: 'errorResponses',
  onError: (request: ApiRequest) => {
    const { error } = request;
    if (error instanceof ApiError) {
      if (error.statusCode >= 500) logger.warn('request failed', { code: error.code, error });
      const body = {
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      };
      request.response = json(error.statusCode, body, error.headers);
      return;
    }
    logger.error('unexpected error', { error: error as Error });
    request.response = json(500, internalErrorBody);
  },
});

const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const addSecurityHeaders = (request: ApiRequest): void => {
  if (!request.response) return;
  request.response.headers = { ...request.response.headers, ...SECURITY_HEADERS };
};

/** Runs last on success and on error, so every answer carries the same headers. */
export const securityHeaders = (): Middleware => ({
  name: 'securityHeaders',
  after: addSecurityHeaders,
  onError: addSecurityHeaders,
});
