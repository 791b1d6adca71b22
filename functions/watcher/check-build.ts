/** Lambda `checkBuild` (state CheckBuild): GetImage, then update the watch state (timings, deadline). */
import { imagebuilder } from '#commons/clients/imagebuilder';
import { intEnv } from '#commons/env';
import { lambdaHandler } from './lambda';
import { executionStateSchema } from './schemas';
import { checkBuild } from './watch';

const settings = {
  maxWatchSeconds: intEnv('MAX_WATCH_SECONDS', 4 * 3600),
  pollFallbackSeconds: intEnv('POLL_FALLBACK_SECONDS', 900),
};

export const handler = lambdaHandler(executionStateSchema, (state) =>
  checkBuild({ imagebuilder, now: () => new Date() }, state, settings),
);
