import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type ApiEvent, errorResponses, jsonBody, securityHeaders } from './middlewares';
import type { ApiResponse } from './response';

export type ApiRouteHandler = (event: ApiEvent) => Promise<ApiResponse>;
export type { ApiEvent };

/**
 * The shared HTTP stack on middy: security headers on every answer, typed error mapping, JSON body parsing.
 * middy runs `before` in this order and `after`/`onError` in reverse, so securityHeaders sees the error response.
 */
export const apiHandler = (route: ApiRouteHandler, options: { bodyLimitBytes?: number } = {}) =>
  middy<ApiEvent, ApiResponse, unknown, Context>(route).use([
    securityHeaders(),
    errorResponses(),
    jsonBody(options.bodyLimitBytes),
  ]);
