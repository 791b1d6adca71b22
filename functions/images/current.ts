import { ssm } from '#commons/clients/ssm';
import { requireEnv } from '#commons/env';
import { apiHandler } from '#commons/http/api-handler';
import { ApiError } from '#commons/http/errors';
import { callerIdentity } from '#commons/http/identity';
import { json } from '#commons/http/response';
import { createImageReader, type ImageReader, NoImagePublishedError } from '#commons/images/published-image';

let images: ImageReader | undefined;

const reader = (): ImageReader => {
  images ??= createImageReader({
    ssm,
    parameterName: requireEnv('AMI_PARAMETER_NAME'),
    // This route is how people check what was just published: always read it fresh (only create caches it).
    ttlSeconds: 0,
  });
  return images;
};

/** GET /images/current → 200 `{amiId, version, label, publishedAt}`, 404 NoImagePublished before the first bake. */
export const handler = apiHandler(async (event) => {
  callerIdentity(event);
  try {
    return json(200, await reader().current());
  } catch (error) {
    if (error instanceof NoImagePublishedError) {
      throw new ApiError(404, 'NoImagePublished', 'No developer image has been published yet', {
        cause: error,
      });
    }
    throw error;
  }
});
