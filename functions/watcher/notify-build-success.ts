/** Lambda `notifyBuildSuccess` (state NotifySuccess): sends only when NOTIFY_ON_SUCCESS is true. */
import { sns } from '#commons/clients/sns';
import { requireEnv } from '#commons/env';
import { lambdaHandler } from './lambda';
import { notifyBuildSuccess } from './notify';
import { noticeInputSchema } from './schemas';
import { boolSetting, stage } from './settings';

const settings = {
  stage: stage(),
  topicArn: requireEnv('NOTIFICATION_TOPIC_ARN'),
  enabled: boolSetting('NOTIFY_ON_SUCCESS', false),
};

export const handler = lambdaHandler(noticeInputSchema, (event) =>
  notifyBuildSuccess({ sns }, event, settings),
);
