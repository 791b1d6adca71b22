/**
 * POST /images/prune (admin) with {"dryRun": true}: what pruning would delete, and why everything else is kept.
 * Deletions only ever run inside the build workflow, after a successful publication.
 */
import { ec2 } from '#commons/clients/ec2';
import { imagebuilder } from '#commons/clients/imagebuilder';
import { ssm } from '#commons/clients/ssm';
import { apiHandler } from '#commons/http/api-handler';
import { ValidationError } from '#commons/http/errors';
import { json } from '#commons/http/response';
import { pruneImages } from '../../watcher/prune';
import { pruneSettings } from '../../watcher/settings';
import { requireAdmin } from './admin';

const settings = pruneSettings();

export const handler = apiHandler(async (event) => {
  requireAdmin(event);
  const body = event.jsonBody as { dryRun?: unknown } | undefined;
  if (!body || typeof body !== 'object' || Object.keys(body).some((key) => key !== 'dryRun')) {
    throw new ValidationError('body', 'expected {"dryRun": true}');
  }
  if (body.dryRun !== true) {
    throw new ValidationError('dryRun', 'must be true: deletions only run in the build workflow');
  }
  return json(
    200,
    await pruneImages({ ec2, ssm, imagebuilder, now: () => new Date() }, settings, { dryRun: true }),
  );
});
