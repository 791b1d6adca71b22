import { imagebuilder } from '#commons/clients/imagebuilder';
import { sfn } from '#commons/clients/sfn';
import { requireEnv } from '#commons/env';

export const buildDeps = () => ({
  imagebuilder,
  sfn,
  pipelineArn: requireEnv('IMAGE_PIPELINE_ARN'),
  stateMachineArn: requireEnv('WATCHER_STATE_MACHINE_ARN'),
});
