/** Build notifications: exactly one SNS message per failed night (and optionally per published image). */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { countConsecutiveFailedNights, listPipelineBuilds } from '#commons/builds/history';
import {
  type FailureOutcome,
  formatFailureNotice,
  formatPruneIncompleteNotice,
  formatSuccessNotice,
  type Notice,
} from '#commons/builds/notices';
import { logger } from '#commons/logger';
import { errorMessage } from './errors';
import type { ImagebuilderPort } from './image';
import type { NoticeInput, StepError } from './schemas';

export type SnsPort = Pick<SNSClient, 'send'>;

export interface NoticeSettings {
  stage: string;
  topicArn: string;
  imagePipelineArn: string;
  region: string;
  logGroup: string;
  alertThreshold: number;
}

export interface SentNotice {
  sent: boolean;
  outcome: string;
  subject?: string;
  messageId?: string;
  consecutiveFailedNights?: number;
}

const lambdaCauseSchema = z.object({ errorMessage: z.string() });

/** A caught error's Cause is Lambda's JSON error document in AWS, a plain message elsewhere. */
export const describeStepError = (error: StepError): string => {
  const cause = error.Cause ?? '';
  try {
    const parsed = lambdaCauseSchema.safeParse(JSON.parse(cause));
    if (parsed.success) return `${error.Error}: ${parsed.data.errorMessage}`;
  } catch {
    // not JSON: a plain message
  }
  return cause ? `${error.Error}: ${cause}` : error.Error;
};

const failureOutcome = (state: NoticeInput['state']): FailureOutcome => {
  if (state.error) return state.error.Error === 'BuildWatchTimeoutError' ? 'TIMED_OUT' : 'ERROR';
  if (state.watch?.status === 'FAILED' || state.watch?.status === 'CANCELLED') return state.watch.status;
  return 'ERROR';
};

const publish = async (sns: SnsPort, topicArn: string, notice: Notice): Promise<string | undefined> => {
  const { MessageId } = await sns.send(
    new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.message }),
  );
  return MessageId;
};

const consecutiveFailedNights = async (
  imagebuilder: ImagebuilderPort,
  settings: NoticeSettings,
  current: { arn: string; dateCreated: Date },
): Promise<number | undefined> => {
  try {
    return countConsecutiveFailedNights(
      await listPipelineBuilds(imagebuilder, settings.imagePipelineArn),
      current,
    );
  } catch (error) {
    // The notice matters more than the count: send it without.
    logger.error('could not read the build history', { error: errorMessage(error) });
    return undefined;
  }
};

export const notifyBuildFailure = async (
  deps: { sns: SnsPort; imagebuilder: ImagebuilderPort; now: () => Date },
  input: NoticeInput,
  settings: NoticeSettings,
): Promise<SentNotice> => {
  const { state } = input;
  if (input.outcome === 'PRUNE_INCOMPLETE') {
    const notice = formatPruneIncompleteNotice({
      stage: settings.stage,
      imageArn: state.imageBuildVersionArn,
      ...(state.publication ? { amiId: state.publication.amiId } : {}),
      failures: state.prune?.failed ?? [],
      ...(state.error ? { error: describeStepError(state.error) } : {}),
    });
    const messageId = await publish(deps.sns, settings.topicArn, notice);
    logger.warn('notified an incomplete prune', { subject: notice.subject });
    return {
      sent: true,
      outcome: input.outcome,
      subject: notice.subject,
      ...(messageId ? { messageId } : {}),
    };
  }
  const outcome = failureOutcome(state);
  const nights = await consecutiveFailedNights(deps.imagebuilder, settings, {
    arn: state.imageBuildVersionArn,
    dateCreated: new Date(state.watch?.startedAt ?? state.startedAt ?? deps.now().toISOString()),
  });
  const reason = state.error ? describeStepError(state.error) : state.watch?.reason;
  const notice = formatFailureNotice({
    stage: settings.stage,
    outcome,
    ...(state.watch?.lastPhase ? { phase: state.watch.lastPhase } : {}),
    ...(reason ? { reason } : {}),
    imageArn: state.imageBuildVersionArn,
    region: settings.region,
    logGroup: settings.logGroup,
    consecutiveFailedNights: nights,
    alertThreshold: settings.alertThreshold,
  });
  const messageId = await publish(deps.sns, settings.topicArn, notice);
  logger.warn('notified a failed build', {
    outcome,
    phase: state.watch?.lastPhase,
    consecutiveFailedNights: nights,
  });
  return {
    sent: true,
    outcome,
    subject: notice.subject,
    ...(messageId ? { messageId } : {}),
    ...(nights !== undefined ? { consecutiveFailedNights: nights } : {}),
  };
};

export const notifyBuildSuccess = async (
  deps: { sns: SnsPort },
  input: NoticeInput,
  settings: Pick<NoticeSettings, 'stage' | 'topicArn'> & { enabled: boolean },
): Promise<SentNotice> => {
  const { state } = input;
  if (!settings.enabled || !state.publication) return { sent: false, outcome: 'PUBLISHED' };
  const notice = formatSuccessNotice({
    stage: settings.stage,
    imageArn: state.imageBuildVersionArn,
    amiId: state.publication.amiId,
    parameterName: state.publication.parameterName,
    parameterVersion: state.publication.parameterVersion,
    label: state.publication.label,
    deleted: state.prune?.deleted.length ?? 0,
    kept: state.prune?.kept.length ?? 0,
  });
  const messageId = await publish(deps.sns, settings.topicArn, notice);
  return { sent: true, outcome: 'PUBLISHED', subject: notice.subject, ...(messageId ? { messageId } : {}) };
};
