/**
 * Errors in the shape the AWS SDK's restJson1 deserializer maps to its exception classes: the HTTP status below plus
 * the `x-amzn-errortype` header. Statuses are taken from the SDK's own error schemas.
 */
const STATUS_BY_TYPE = {
  ClientException: 400,
  IdempotentParameterMismatchException: 400,
  InvalidPaginationTokenException: 400,
  InvalidParameterValueException: 400,
  InvalidRequestException: 400,
  ResourceAlreadyExistsException: 400,
  ResourceDependencyException: 400,
  ResourceInUseException: 400,
  ResourceNotFoundException: 404,
  ServiceException: 500,
  UnknownOperationException: 404,
} as const;

export type ApiErrorType = keyof typeof STATUS_BY_TYPE;

export class ImageBuilderApiError extends Error {
  override name = 'ImageBuilderApiError';
  readonly status: number;

  constructor(
    readonly type: ApiErrorType,
    message: string,
  ) {
    super(message);
    this.status = STATUS_BY_TYPE[type];
  }
}

export const notFound = (what: string, arn: string): ImageBuilderApiError =>
  new ImageBuilderApiError('ResourceNotFoundException', `The resource ${what} '${arn}' does not exist.`);
