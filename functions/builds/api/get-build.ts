/** GET /builds/{id} (admin): one build, with its phases. */
import { apiHandler } from '#commons/http/api-handler';
import { NotFoundError, ValidationError } from '#commons/http/errors';
import { json } from '#commons/http/response';
import { BuildNotFoundError, getBuild } from '../history';
import { requireAdmin } from './admin';
import { buildDeps } from './deps';

const deps = buildDeps();

export const handler = apiHandler(async (event) => {
  requireAdmin(event);
  const id = event.pathParameters?.id ?? '';
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw new ValidationError('id', 'is not a build id');
  try {
    return json(200, await getBuild(deps, id));
  } catch (error) {
    if (error instanceof BuildNotFoundError) throw new NotFoundError(`No build ${id}`);
    throw error;
  }
});
