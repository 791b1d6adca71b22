/** Lambda `notifyBuildFailure` (states NotifyFailure and NotifyPruneIncomplete). */
import { imagebuilder } from '#commons/clients/imagebuilder';
import { sns } from '#commons/clients/sns';
import { intEnv, requireEnv } from '#commons/env';
import { lambdaHandler } from './lambda';
import { notifyBuildFailure } from './notify';
import { noticeInputSchema } from './schemas';
import { stage } from './settings';

const settings = {
  stage: stage(),
  topicArn: requireEnv('NOTIFICATION_TOPIC_ARN'),
  imagePipelineArn: requireEnv('IMAGE_PIPELINE_ARN'),
  region: requireEnv('AWS_REGION'),
  logGroup: requireEnv('BUILD_LOG_GROUP'),
  alertThreshold: intEnv('FAILURE_ALERT_THRESHOLD', 3),
};

export const handler = lambdaHandler(noticeInputSchema, (event) =>
  notifyBuildFailure({ sns, imagebuilder, now: () => new Date() }, event, settings),
);
