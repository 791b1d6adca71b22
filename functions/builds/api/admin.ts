import type { ApiEvent } from '#commons/http/api-handler';
import { ForbiddenError } from '#commons/http/errors';
import { callerIdentity } from '#commons/http/identity';

/** Builds and pruning are for the platform team: the admin group claim is required. */
export const requireAdmin = (event: ApiEvent): string => {
  const { owner, isAdmin } = callerIdentity(event);
  if (!isAdmin) throw new ForbiddenError('Only administrators may manage builds');
  return owner;
};
