/** Lambda `awaitBuildChange` (state WaitForPhaseChange, `.waitForTaskToken`). */

import { z } from 'zod';
import { imagebuilder } from '#commons/clients/imagebuilder';
import { sfn } from '#commons/clients/sfn';
import { ssm } from '#commons/clients/ssm';
import { awaitBuildChange } from './await-change';
import { lambdaHandler } from './lambda';
import { watchTokenParameterPrefix } from './settings';

const tokenPrefix = watchTokenParameterPrefix();

const eventSchema = z.object({
  taskToken: z.string().min(1),
  imageBuildVersionArn: z.string().startsWith('arn:'),
  status: z.string(),
});

export const handler = lambdaHandler(eventSchema, (event) =>
  awaitBuildChange({ imagebuilder, ssm, sfn }, event, tokenPrefix),
);
