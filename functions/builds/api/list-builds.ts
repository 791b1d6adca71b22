/** GET /builds (admin): recent builds, newest first. */
import { apiHandler } from '#commons/http/api-handler';
import { ValidationError } from '#commons/http/errors';
import { json } from '#commons/http/response';
import { listBuilds } from '../history';
import { requireAdmin } from './admin';
import { buildDeps } from './deps';

const deps = buildDeps();

export const handler = apiHandler(async (event) => {
  requireAdmin(event);
  const rawLimit = event.queryStringParameters?.limit;
  const limit = rawLimit === undefined ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new ValidationError('limit', 'must be 1-100');
  return json(200, { builds: await listBuilds(deps, limit) });
});
