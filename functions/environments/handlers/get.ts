import { apiHandler } from '#commons/http/api-handler';
import { callerIdentity } from '#commons/http/identity';
import { json } from '#commons/http/response';
import { readDeps } from '../deps';
import { getEnvironment } from '../read-environments';
import { environmentId } from './request';

/** GET /environments/{id} → 200, or 404 for unknown ids and other owners' alike. */
export const handler = apiHandler(async (event) => {
  const { owner } = callerIdentity(event);
  const id = environmentId(event);
  return json(200, await getEnvironment(readDeps(), owner, id));
});
