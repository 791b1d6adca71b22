/**
 * The text of build notifications, shared by the watcher and (later) the builds API. Pure functions: the callers
 * fetch what they need and publish the result.
 */

/** SNS rejects subjects longer than 100 characters. */
export const SNS_SUBJECT_MAX_LENGTH = 100;

export type FailureOutcome = 'FAILED' | 'CANCELLED' | 'TIMED_OUT' | 'ERROR';

export interface FailureNoticeInput {
  stage: string;
  outcome: FailureOutcome;
  /** The last phase the build was seen in before it stopped (e.g. TESTING), when known. */
  phase?: string;
  reason?: string;
  imageArn: string;
  region: string;
  logGroup: string;
  /** Undefined when the build history could not be read (the notice still goes out). */
  consecutiveFailedNights: number | undefined;
  alertThreshold: number;
}

export interface Notice {
  subject: string;
  message: string;
}

/** The CloudWatch Logs console page of a log group (Image Builder writes one stream per build). */
export const buildLogsUrl = (region: string, logGroup: string): string => {
  // The console's hash router wants '/' as $252F (double-encoded).
  const encoded = encodeURIComponent(encodeURIComponent(logGroup)).replace(/%/g, '$');
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encoded}`;
};

/** SNS subjects must be ASCII-printable without line breaks, at most 100 characters. */
export const fitSubject = (subject: string): string => {
  const clean = subject.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= SNS_SUBJECT_MAX_LENGTH ? clean : `${clean.slice(0, SNS_SUBJECT_MAX_LENGTH - 3)}...`;
};

const outcomeWords: Record<FailureOutcome, string> = {
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  TIMED_OUT: 'TIMED OUT',
  ERROR: 'watcher ERROR',
};

const nightsPhrase = (nights: number): string => (nights === 1 ? '1 night' : `${nights} nights`);

export const formatFailureNotice = (input: FailureNoticeInput): Notice => {
  const nights = input.consecutiveFailedNights;
  const alert = nights !== undefined && nights >= input.alertThreshold;
  const where = input.phase ? ` at ${input.phase}` : '';
  const prefix = alert
    ? `[cloudboot ${input.stage}] ALERT ${nights} failed nights:`
    : `[cloudboot ${input.stage}]`;
  const subject = fitSubject(`${prefix} Nightly image build ${outcomeWords[input.outcome]}${where}`);
  const lines = [
    `The nightly image build of stage "${input.stage}" ${outcomeWords[input.outcome]}${where}.`,
    'The AMI parameter was not changed: developers keep getting the last published image. Nothing was pruned.',
    '',
    `Reason: ${input.reason?.trim() || 'not reported'}`,
    `Image: ${input.imageArn}`,
    `Build logs: ${buildLogsUrl(input.region, input.logGroup)}`,
    `Consecutive failed nights: ${nights ?? 'unknown (the build history could not be read)'}`,
  ];
  if (alert) {
    lines.push(
      '',
      `ALERT: the build has failed ${nightsPhrase(nights)} in a row ` +
        `(alert threshold ${input.alertThreshold}). The published image is getting stale; someone needs to fix the build.`,
    );
  }
  return { subject, message: lines.join('\n') };
};

export interface SuccessNoticeInput {
  stage: string;
  imageArn: string;
  amiId: string;
  parameterName: string;
  parameterVersion: number;
  label: string;
  deleted: number;
  kept: number;
}

export const formatSuccessNotice = (input: SuccessNoticeInput): Notice => ({
  subject: fitSubject(`[cloudboot ${input.stage}] Nightly image build published ${input.amiId}`),
  message: [
    `The nightly image build of stage "${input.stage}" succeeded and was published.`,
    '',
    `AMI: ${input.amiId}`,
    `Image: ${input.imageArn}`,
    `Parameter: ${input.parameterName} version ${input.parameterVersion}, label ${input.label}`,
    `Pruning: ${input.deleted} old AMI(s) deleted, ${input.kept} kept.`,
  ].join('\n'),
});

export interface PruneIncompleteNoticeInput {
  stage: string;
  imageArn: string;
  amiId?: string;
  failures: { amiId: string; step: string; error: string }[];
  /** Set when pruning could not run at all. */
  error?: string;
}

export const formatPruneIncompleteNotice = (input: PruneIncompleteNoticeInput): Notice => ({
  subject: fitSubject(`[cloudboot ${input.stage}] Image published, pruning INCOMPLETE`),
  message: [
    `The nightly image of stage "${input.stage}" was published${input.amiId ? ` (${input.amiId})` : ''}, but pruning old AMIs did not finish.`,
    'Nothing that is in use was deleted; the AMIs below were left in place and the next night retries them.',
    '',
    `Image: ${input.imageArn}`,
    ...(input.error ? [`Pruning error: ${input.error}`] : []),
    ...input.failures.map((failure) => `- ${failure.amiId}: ${failure.step} failed: ${failure.error}`),
  ].join('\n'),
});
