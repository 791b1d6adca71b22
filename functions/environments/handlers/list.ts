import { apiHandler } from '#commons/http/api-handler';
import { ForbiddenError } from '#commons/http/errors';
import { callerIdentity } from '#commons/http/identity';
import { json } from '#commons/http/response';
import { validate } from '#commons/http/validation';
import { readDeps } from '../deps';
import { listEnvironments } from '../read-environments';
import { listQuerySchema } from '../schemas';

/** GET /environments (own) and GET /environments?all=true (admins: everyone's in this stage). */
export const handler = apiHandler(async (event) => {
  const identity = callerIdentity(event);
  const query = validate(listQuerySchema, event.queryStringParameters ?? {}, 'query');
  if (query.all === 'true' && !identity.isAdmin)
    throw new ForbiddenError('Only administrators may list all environments');
  const environments = await listEnvironments(
    readDeps(),
    query.all === 'true' ? { everyone: true } : { owner: identity.owner },
  );
  return json(200, { environments });
});
