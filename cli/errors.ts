/** Failures the CLI reports as one `error: …` line; `exitCode` 2 is a usage error, 1 everything else. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number = 1;
}

export class UsageError extends CliError {
  override name = 'UsageError';
  override readonly exitCode: number = 2;
}

/** The API answered with an error status; `details` is its `error` object (code, message and extras). */
export class ApiError extends CliError {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    hint = '',
  ) {
    super(`${code}: ${apiMessage} (HTTP ${status})${hint ? `. ${hint}` : ''}`);
  }
}

export class NetworkError extends CliError {
  override name = 'NetworkError';
  constructor(
    readonly url: string,
    readonly reason: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(`could not reach ${url} (${reason}). ${hint}`, options);
  }
}

export class UnexpectedResponseError extends CliError {
  override name = 'UnexpectedResponseError';
}

/** The command already explained the failure on stderr; only the exit status is left to set. */
export class ReportedFailure extends CliError {
  override name = 'ReportedFailure';
}
