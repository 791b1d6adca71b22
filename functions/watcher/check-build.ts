/** Lambda `checkBuild` (state CheckBuild): GetImage, then update the watch state (timings, deadline). */
import { imagebuilder } from '#commons/clients/imagebuilder';
import { lambdaHandler } from './lambda';
import { executionStateSchema } from './schemas';
import { intSetting } from './settings';
import { checkBuild } from './watch';

const settings = {
  maxWatchSeconds: intSetting('MAX_WATCH_SECONDS', 4 * 3600),
  pollFallbackSeconds: intSetting('POLL_FALLBACK_SECONDS', 900),
};

export const handler = lambdaHandler(executionStateSchema, (state) =>
  checkBuild({ imagebuilder, now: () => new Date() }, state, settings),
);
