/** Errors the watcher's Lambdas throw; the state machine's Retry/Catch match them by `name`. */

/** The build is still running after MAX_WATCH_SECONDS: the workflow notifies and gives up on it. */
export class BuildWatchTimeoutError extends Error {
  override name = 'BuildWatchTimeoutError';
}

/** The image the workflow follows does not exist (wrong ARN, or deleted while we watched). */
export class ImageNotFoundError extends Error {
  override name = 'ImageNotFoundError';
}

/** Image Builder reported an image we cannot follow (AVAILABLE without an AMI, DELETED, DEPRECATED...). */
export class UnexpectedImageStateError extends Error {
  override name = 'UnexpectedImageStateError';
}

/** SSM kept throttling after the SDK's own retries; the state machine retries later with a longer backoff. */
export class ParameterThrottledError extends Error {
  override name = 'ParameterThrottledError';
}

/** Writing or labelling the AMI parameter failed for a reason other than throttling. */
export class PublishError extends Error {
  override name = 'PublishError';
}

/** Pruning could not even start (listing candidates or reading what is in use failed). */
export class PruneError extends Error {
  override name = 'PruneError';
}

/** Throttling as the SDK classifies it (after its own retries gave up). */
export const isThrottlingError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const { name } = error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    status === 429 ||
    [
      'ThrottlingException',
      'Throttling',
      'TooManyRequestsException',
      'RequestLimitExceeded',
      'ThrottledException',
    ].includes(name)
  );
};

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
