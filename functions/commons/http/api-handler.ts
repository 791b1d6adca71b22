import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type ApiEvent, errorResponses, jsonBody, securityHeaders } from './middlewares';
import type { ApiResponse } from './response';

export type ApiRouteHandler = (event: ApiEvent) => Promise<ApiResponse>;
export type { ApiEvent };

/**
 * Wraps a route in the shared HTTP middlewares. Order matters: middy runs `after`/`onError` in reverse,
 * so security headers are added last to every response, including error responses.
 */
export const apiHandler = (route: ApiRouteHandler, options: { bodyLimitBytes?: number } = {}) =>
  middy<ApiEvent, ApiResponse, Error, Context>()
    .use(securityHeaders())
    .use(errorResponses())
    .use(jsonBody(options.bodyLimitBytes))
    .handler((event) => route(event));
