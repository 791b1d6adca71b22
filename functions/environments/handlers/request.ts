import type { ApiEvent } from '#commons/http/api-handler';
import { validate } from '#commons/http/validation';
import { environmentIdSchema } from '../schemas';

/** The `{id}` path parameter, validated before any AWS call. */
export const environmentId = (event: ApiEvent): string =>
  validate(environmentIdSchema, { id: event.pathParameters?.id }, 'id').id;

export const header = (event: ApiEvent, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
};
