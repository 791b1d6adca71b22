import { NotFoundError } from '#commons/http/errors';
import { InstanceLimitError, InsufficientCapacityError, InvalidStateError, ThrottledError } from './errors';

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);

export interface Ec2ErrorContext {
  action: string;
  instanceType?: string;
  allowedInstanceTypes?: string[];
  state?: string;
}

/**
 * Turns the EC2 errors a user can act on into typed API errors (our messages, never AWS's). Anything else is
 * returned unchanged and ends as a generic 500. Throttling reaches here only after the SDK's standard retries.
 */
export const toApiError = (error: unknown, context: Ec2ErrorContext): unknown => {
  const name = error instanceof Error ? error.name : '';
  if (name === 'InsufficientInstanceCapacity') {
    const type = context.instanceType ?? 'this instance type';
    const others = (context.allowedInstanceTypes ?? []).filter((candidate) => candidate !== type);
    return new InsufficientCapacityError(type, others, { cause: error });
  }
  if (name === 'InstanceLimitExceeded' || name === 'VcpuLimitExceeded')
    return new InstanceLimitError({ cause: error });
  if (THROTTLING.has(name)) return new ThrottledError({ cause: error });
  if (name === 'InvalidInstanceID.NotFound' || name === 'InvalidInstanceID.Malformed')
    return new NotFoundError();
  if (name === 'IncorrectInstanceState' || name === 'IncorrectState') {
    return new InvalidStateError(context.action, context.state ?? 'in another state', { cause: error });
  }
  return error;
};
