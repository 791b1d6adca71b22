/** Step Functions API errors, named as AWS names them (the HTTP layer sends `name` as the error type). */
export class SfnApiError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export const executionAlreadyExists = (name: string) =>
  new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
export const executionDoesNotExist = (arn: string) =>
  new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
export const stateMachineDoesNotExist = (arn: string) =>
  new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
export const invalidToken = () => new SfnApiError('InvalidToken', 'Invalid Token');
export const taskTimedOut = () => new SfnApiError('TaskTimedOut', 'Task Timed Out');
export const invalidArn = (arn: string) => new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
export const validationError = (message: string) => new SfnApiError('ValidationException', message);

/** A Task error as Step Functions sees it: the name is what Retry/Catch match. */
export class TaskError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}
