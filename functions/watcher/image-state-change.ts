/**
 * The EventBridge target: an Image Builder image changed state, so resume the execution waiting on that image.
 * Events are best-effort and may be late, duplicated or unmatched; every such case is logged and ignored, because
 * the workflow's polling fallback will notice the change anyway.
 */

import * as z from 'zod/mini';
import { logger } from '#commons/logger';
import { resumeWatcher, type SfnPort } from './task-tokens';
import { type SsmPort, takeWatchToken, watchTokenParameterName } from './watch-tokens';

export const imageStateChangeEventSchema = z.object({
  source: z.literal('aws.imagebuilder'),
  'detail-type': z.literal('EC2 Image Builder Image State Change'),
  time: z.optional(z.string()),
  resources: z.array(z.string()).check(z.minLength(1)),
  detail: z.object({
    'previous-state': z.optional(z.object({ status: z.string() })),
    state: z.object({ status: z.string(), reason: z.optional(z.string()) }),
  }),
});
export type ImageStateChangeEvent = z.infer<typeof imageStateChangeEventSchema>;

export type StateChangeOutcome = 'resumed' | 'no-waiting-execution' | 'stale-token';

export const onImageStateChange = async (
  deps: { ssm: SsmPort; sfn: SfnPort },
  event: ImageStateChangeEvent,
  tokenPrefix: string,
): Promise<{ outcome: StateChangeOutcome }> => {
  const [imageBuildVersionArn] = event.resources as [string, ...string[]];
  const status = event.detail.state.status;
  const parameterName = watchTokenParameterName(tokenPrefix, imageBuildVersionArn);
  const token = await takeWatchToken(deps.ssm, parameterName);
  if (!token) {
    logger.info('no watcher is waiting on this image (between checks, already finished, or not ours)', {
      imageBuildVersionArn,
      status,
      parameterName,
    });
    return { outcome: 'no-waiting-execution' };
  }
  const previousStatus = event.detail['previous-state']?.status;
  const delivery = await resumeWatcher(deps.sfn, token, {
    status,
    ...(previousStatus ? { previousStatus } : {}),
    ...(event.time ? { time: event.time } : {}),
    source: 'event',
  });
  if (delivery === 'stale-token') {
    logger.info('the waiting task had already timed out or been resumed; the polling fallback covers it', {
      imageBuildVersionArn,
      status,
    });
    return { outcome: 'stale-token' };
  }
  logger.info('resumed the build watcher', { imageBuildVersionArn, status, previousStatus });
  return { outcome: 'resumed' };
};
