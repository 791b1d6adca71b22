/**
 * Wraps a watcher domain function as a Lambda handler: validates the event with its schema (a malformed event is
 * a typed error the state machine does not retry), adds the Lambda context to every log line.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { logger } from '#commons/logger';

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

export const lambdaHandler = <S extends z.ZodMiniType, R>(
  schema: S,
  run: (event: z.infer<S>) => Promise<R>,
) =>
  middy(async (event: unknown, _context: Context): Promise<R> => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidEventError(`Invalid event: ${parsed.error.message}`, { cause: parsed.error });
    }
    return run(parsed.data);
  }).use(injectLambdaContext(logger));
