/** Lambda `pruneImages` (state PruneImages; also invoked on demand with `{"dryRun": true}`). */

import * as z from 'zod/mini';
import { ec2 } from '#commons/clients/ec2';
import { imagebuilder } from '#commons/clients/imagebuilder';
import { ssm } from '#commons/clients/ssm';
import { lambdaHandler } from './lambda';
import { pruneImages } from './prune';
import { pruneSettings } from './settings';

const settings = pruneSettings();

const eventSchema = z.object({ dryRun: z._default(z.boolean(), false) });

export const handler = lambdaHandler(eventSchema, (event) =>
  pruneImages({ ec2, ssm, imagebuilder, now: () => new Date() }, settings, { dryRun: event.dryRun }),
);
