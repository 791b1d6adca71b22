import type { Context } from 'aws-lambda';
import {
  type ApiEvent,
  type ApiRequest,
  errorResponses,
  jsonBody,
  type Middleware,
  securityHeaders,
} from './middlewares';
import type { ApiResponse } from './response';

export type ApiRouteHandler = (event: ApiEvent) => Promise<ApiResponse>;
export type { ApiEvent };

/**
 * Runs middlewares the way middy does: `before` in order, `after`/`onError` in reverse. A dozen lines of our
 * own instead of @middy/core, because middy v7 is ESM-only ("import" condition only) and this CommonJS package
 * runs its handlers under tsx (local stack, bench), where they are loaded with require().
 */
export const withMiddlewares =
  (middlewares: Middleware[], route: ApiRouteHandler) =>
  async (event: ApiEvent, _context?: Context): Promise<ApiResponse> => {
    const request: ApiRequest = { event, response: undefined, error: undefined };
    const reversed = [...middlewares].reverse();
    try {
      for (const middleware of middlewares) await middleware.before?.(request);
      request.response = await route(request.event);
      for (const middleware of reversed) await middleware.after?.(request);
    } catch (error) {
      request.error = error;
      request.response = undefined;
      for (const middleware of reversed) await middleware.onError?.(request);
      if (request.response === undefined) throw error;
    }
    return request.response as ApiResponse;
  };

/** The shared HTTP stack: security headers on every answer, typed error mapping, JSON body parsing. */
export const apiHandler = (route: ApiRouteHandler, options: { bodyLimitBytes?: number } = {}) =>
  withMiddlewares([securityHeaders(), errorResponses(), jsonBody(options.bodyLimitBytes)], route);
