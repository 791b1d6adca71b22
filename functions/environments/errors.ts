/** What can go wrong with an environment, each with the HTTP status and stable code the API answers with. */
import { ApiError } from '#commons/http/errors';

export class QuotaExceededError extends ApiError {
  override name = 'QuotaExceededError';
  constructor(quota: number) {
    super(409, 'QuotaExceeded', `You already have ${quota} environment(s), the maximum; delete one first`);
  }
}

export class NameTakenError extends ApiError {
  override name = 'NameTakenError';
  constructor(name: string) {
    super(409, 'NameTaken', `You already have an environment named ${name}`);
  }
}

export class InvalidStateError extends ApiError {
  override name = 'InvalidStateError';
  constructor(action: string, state: string, options?: { cause?: unknown }) {
    super(409, 'InvalidState', `Cannot ${action} an environment that is ${state}`, options);
  }
}

export class UnknownImageLabelError extends ApiError {
  override name = 'UnknownImageLabelError';
  constructor(label: string, options?: { cause?: unknown }) {
    super(400, 'UnknownImageLabel', `image: no published image is labeled ${label}`, {
      ...options,
      field: 'image',
    });
  }
}

export class ImageUnavailableError extends ApiError {
  override name = 'ImageUnavailableError';
  constructor(statusCode: 404 | 503, options?: { cause?: unknown }) {
    super(statusCode, 'NoImagePublished', 'No developer image has been published yet', options);
  }
}

export class InsufficientCapacityError extends ApiError {
  override name = 'InsufficientCapacityError';
  constructor(instanceType: string, alternatives: string[], options?: { cause?: unknown }) {
    const hint =
      alternatives.length > 0
        ? `; try another allowed instance type: ${alternatives.join(', ')}`
        : '; please retry in a few minutes';
    super(503, 'InsufficientCapacity', `AWS has no capacity for ${instanceType} right now${hint}`, {
      ...options,
      headers: { 'retry-after': '60' },
    });
  }
}

export class InstanceLimitError extends ApiError {
  override name = 'InstanceLimitError';
  constructor(options?: { cause?: unknown }) {
    super(
      503,
      'InstanceLimitExceeded',
      'The AWS account has reached its instance/vCPU limit; try a smaller instance type or ask an administrator',
      { ...options, headers: { 'retry-after': '300' } },
    );
  }
}

export class ThrottledError extends ApiError {
  override name = 'ThrottledError';
  constructor(options?: { cause?: unknown }) {
    super(503, 'Throttled', 'AWS is throttling requests; please retry shortly', {
      ...options,
      headers: { 'retry-after': '5' },
    });
  }
}
