/**
 * Parameter version labels. SSM rejects labels that begin with a digit, "aws" or "ssm", so the build date label is
 * `build-YYYY-MM-DD` (not the bare date). Those date labels are the watcher's own; any OTHER label on a version
 * is a pin set by a person, and pruning keeps the AMI of a pinned version forever.
 */
import { buildDate } from '#commons/builds/phases';

export const DATE_LABEL_PREFIX = 'build-';

export const dateLabel = (buildStartedAt: Date): string => `${DATE_LABEL_PREFIX}${buildDate(buildStartedAt)}`;

export const isDateLabel = (label: string): boolean => /^build-\d{4}-\d{2}-\d{2}$/.test(label);

export const pinLabels = (labels: readonly string[]): string[] =>
  labels.filter((label) => !isDateLabel(label));
