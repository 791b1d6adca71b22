/** Lambda `onImageStateChange`: EventBridge rule target for Image Builder "Image State Change" events. */
import { sfn } from '#commons/clients/sfn';
import { ssm } from '#commons/clients/ssm';
import { imageStateChangeEventSchema, onImageStateChange } from './image-state-change';
import { lambdaHandler } from './lambda';
import { watchTokenParameterPrefix } from './settings';

const tokenPrefix = watchTokenParameterPrefix();

export const handler = lambdaHandler(imageStateChangeEventSchema, (event) =>
  onImageStateChange({ ssm, sfn }, event, tokenPrefix),
);
