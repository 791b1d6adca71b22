/** POST /builds (admin): start a build now → 202; a build already running → 409 BuildInProgress with its id. */
import { randomUUID } from 'node:crypto';
import { apiHandler } from '#commons/http/api-handler';
import { ApiError, ValidationError } from '#commons/http/errors';
import { json } from '#commons/http/response';
import { watcherExecutionName } from '../names';
import { startBuild } from '../start-build';
import { requireAdmin } from './admin';
import { buildDeps } from './deps';

const deps = buildDeps();

export const handler = apiHandler(async (event) => {
  const requestedBy = requireAdmin(event);
  if (
    event.jsonBody !== undefined &&
    (typeof event.jsonBody !== 'object' || Object.keys(event.jsonBody ?? {}).length > 0)
  ) {
    throw new ValidationError('body', 'POST /builds takes no body');
  }
  // An Idempotency-Key makes a retried request start the same build (Image Builder tokens are ≤ 36 chars).
  const key = event.headers['idempotency-key'];
  if (key !== undefined && !/^[A-Za-z0-9_-]{1,36}$/.test(key)) {
    throw new ValidationError('Idempotency-Key', 'must be 1-36 letters, digits, "-" or "_"');
  }
  const result = await startBuild(deps, key ?? randomUUID());
  const id = watcherExecutionName(result.imageBuildVersionArn);
  if (result.outcome === 'ALREADY_RUNNING') {
    const error = new ApiError(409, 'BuildInProgress', `Build ${id} is still running (${result.status})`);
    return json(409, { error: { code: error.code, message: error.message, buildId: id } });
  }
  return json(202, {
    build: {
      id,
      imageBuildVersionArn: result.imageBuildVersionArn,
      executionArn: result.executionArn,
      status: 'RUNNING',
      requestedBy,
    },
  });
});
