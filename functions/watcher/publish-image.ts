/** Lambda `publishImage` (state PublishImage). */

import * as z from 'zod/mini';
import { ec2 } from '#commons/clients/ec2';
import { ssm } from '#commons/clients/ssm';
import { lambdaHandler } from './lambda';
import { publishImage } from './publish';
import { amiParameterName } from './settings';

const parameterName = amiParameterName();

const eventSchema = z.object({
  imageBuildVersionArn: z.string(),
  amiId: z.string().check(z.startsWith('ami-')),
  buildStartedAt: z.string(),
});

export const handler = lambdaHandler(eventSchema, (event) =>
  publishImage({ ssm, ec2, now: () => new Date() }, event, parameterName),
);
