/**
 * startNightlyBuild: invoked by the EventBridge schedule (and manually) to start one build of the pipeline.
 *
 * Exactly one build per night: the Image Builder client token is derived from the schedule's `time`, which is
 * the same in every re-delivery of one scheduled event and in Lambda's async retries.
 */
import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
// zod/mini: the same validation, tree-shakable (the classic API would add ~450 KB to the bundle).
import * as z from 'zod/mini';
import { imagebuilder } from '#commons/clients/imagebuilder';
import { sfn } from '#commons/clients/sfn';
import { requireEnv } from '#commons/env';
import { logger } from '#commons/logger';
import { scheduledBuildToken } from './names';
import { type StartBuildResult, startBuild } from './start-build';

const scheduledEvent = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime(),
});

/** A manual start, e.g. `aws lambda invoke --payload '{"source":"cloudboot.manual"}'`. */
const manualEvent = z.strictObject({
  source: z.literal('cloudboot.manual'),
  clientToken: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,36}$/))),
  requestedBy: z.optional(z.string().check(z.maxLength(128))),
});

export const triggerEvent = z.union([scheduledEvent, manualEvent]);
export type TriggerEvent = z.infer<typeof triggerEvent>;

export class InvalidTriggerEventError extends Error {
  override name = 'InvalidTriggerEventError';
}

const pipelineArn = requireEnv('IMAGE_PIPELINE_ARN');
const stateMachineArn = requireEnv('WATCHER_STATE_MACHINE_ARN');

export const clientTokenFor = (event: TriggerEvent): string =>
  event.source === 'aws.events'
    ? scheduledBuildToken(new Date(event.time), pipelineArn)
    : (event.clientToken ?? randomUUID());

const startNightlyBuild = async (rawEvent: unknown): Promise<StartBuildResult> => {
  const parsed = triggerEvent.safeParse(rawEvent);
  if (!parsed.success) {
    throw new InvalidTriggerEventError(`Unsupported event: ${z.prettifyError(parsed.error)}`);
  }
  const clientToken = clientTokenFor(parsed.data);
  const result = await startBuild({ imagebuilder, sfn, pipelineArn, stateMachineArn }, clientToken);
  if (result.outcome === 'ALREADY_RUNNING') {
    logger.info('A build of this pipeline is still running; not starting another', {
      imageBuildVersionArn: result.imageBuildVersionArn,
      status: result.status,
      executionArn: result.executionArn,
    });
  } else {
    logger.info('Build started', { ...result, clientToken, source: parsed.data.source });
  }
  return result;
};

export const handler = middy(startNightlyBuild).use(injectLambdaContext(logger));
