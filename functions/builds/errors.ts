/** Typed errors of starting a build; the original AWS error is kept as `cause`. */
export class PipelineNotFoundError extends Error {
  override name = 'PipelineNotFoundError';
  constructor(pipelineArn: string, options?: ErrorOptions) {
    super(`Image pipeline ${pipelineArn} does not exist`, options);
  }
}

export class PipelineDisabledError extends Error {
  override name = 'PipelineDisabledError';
  constructor(pipelineArn: string) {
    super(`Image pipeline ${pipelineArn} is disabled; enable it before starting a build`);
  }
}

export class BuildStartRejectedError extends Error {
  override name = 'BuildStartRejectedError';
}

export class ImageBuilderUnavailableError extends Error {
  override name = 'ImageBuilderUnavailableError';
}
