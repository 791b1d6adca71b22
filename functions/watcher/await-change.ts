/**
 * WaitForPhaseChange's Lambda: parks the execution's task token where the EventBridge target finds it, unless the
 * build already moved on. GetImage runs before AND after storing the token: an event that arrives between the
 * first check and the store would otherwise find no token and be lost until the polling fallback.
 */
import { logger } from '#commons/logger';
import { describeImage, type ImagebuilderPort } from './image';
import { resumeWatcher, type SfnPort } from './task-tokens';
import { type SsmPort, storeWatchToken, watchTokenParameterName } from './watch-tokens';

export interface AwaitChangeInput {
  taskToken: string;
  imageBuildVersionArn: string;
  status: string;
}

export type AwaitOutcome = 'changed-before-wait' | 'changed-while-registering' | 'waiting';

export const awaitBuildChange = async (
  deps: { imagebuilder: ImagebuilderPort; ssm: SsmPort; sfn: SfnPort },
  input: AwaitChangeInput,
  tokenPrefix: string,
): Promise<{ outcome: AwaitOutcome; status: string }> => {
  const resumeIfChanged = async (outcome: AwaitOutcome) => {
    const image = await describeImage(deps.imagebuilder, input.imageBuildVersionArn);
    if (image.status === input.status) return undefined;
    const delivery = await resumeWatcher(deps.sfn, input.taskToken, {
      status: image.status,
      previousStatus: input.status,
      time: new Date().toISOString(),
      source: 'recheck',
    });
    logger.info('build changed state without waiting for an event', {
      ...input,
      taskToken: undefined,
      to: image.status,
      outcome,
      delivery,
    });
    return { outcome, status: image.status };
  };

  const early = await resumeIfChanged('changed-before-wait');
  if (early) return early;
  const parameterName = watchTokenParameterName(tokenPrefix, input.imageBuildVersionArn);
  await storeWatchToken(deps.ssm, parameterName, input.taskToken);
  const late = await resumeIfChanged('changed-while-registering');
  if (late) return late;
  logger.info('waiting for the next image state change event', {
    imageBuildVersionArn: input.imageBuildVersionArn,
    status: input.status,
    parameterName,
  });
  return { outcome: 'waiting', status: input.status };
};
