import { apiHandler } from '#commons/http/api-handler';
import { callerIdentity } from '#commons/http/identity';
import { json } from '#commons/http/response';
import { validate } from '#commons/http/validation';
import { config } from '../config';
import { createEnvironment } from '../create-environment';
import { createDeps } from '../deps';
import { createBodySchema, idempotencyKeySchema } from '../schemas';
import { header } from './request';

/** POST /environments → 201 (created) or 200 (same Idempotency-Key: the existing environment). */
export const handler = apiHandler(async (event) => {
  const { owner } = callerIdentity(event);
  const body = validate(
    createBodySchema(config('allowedInstanceTypes')),
    event.jsonBody === undefined ? {} : event.jsonBody,
    'body',
  );
  const idempotencyKey = validate(idempotencyKeySchema, header(event, 'idempotency-key'), 'Idempotency-Key');
  const result = await createEnvironment(createDeps(), { owner, ...body, idempotencyKey });
  const payload =
    result.warnings.length > 0 ? { ...result.environment, warnings: result.warnings } : result.environment;
  return json(result.created ? 201 : 200, payload, { location: `/environments/${result.environment.id}` });
});
