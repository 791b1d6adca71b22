import { apiHandler } from '#commons/http/api-handler';
import { callerIdentity } from '#commons/http/identity';
import { json } from '#commons/http/response';
import { changeEnvironmentState } from '../change-state';
import { readDeps } from '../deps';
import { environmentId } from './request';

/** POST /environments/{id}/stop → 202 with the environment (also when it already was in that state). */
export const handler = apiHandler(async (event) => {
  const { owner } = callerIdentity(event);
  const id = environmentId(event);
  const { environment } = await changeEnvironmentState(readDeps(), owner, id, 'stop');
  return json(202, environment);
});
