/** Lambda `awaitBuildChange` (state WaitForPhaseChange, `.waitForTaskToken`). */

import * as z from 'zod/mini';
import { imagebuilder } from '#commons/clients/imagebuilder';
import { sfn } from '#commons/clients/sfn';
import { ssm } from '#commons/clients/ssm';
import { awaitBuildChange } from './await-change';
import { lambdaHandler } from './lambda';
import { watchTokenParameterPrefix } from './settings';

const tokenPrefix = watchTokenParameterPrefix();

const eventSchema = z.object({
  taskToken: z.string().check(z.minLength(1)),
  imageBuildVersionArn: z.string().check(z.startsWith('arn:')),
  status: z.string(),
});

export const handler = lambdaHandler(eventSchema, (event) =>
  awaitBuildChange({ imagebuilder, ssm, sfn }, event, tokenPrefix),
);
