/** Module-scope wiring shared by the environment handlers: one client per service, one image cache per container. */
import { ec2 } from '#commons/clients/ec2';
import { ssm } from '#commons/clients/ssm';
import { createImageReader, type ImageReader } from '#commons/images/published-image';
import { config } from './config';
import type { CreateEnvironmentDeps } from './create-environment';
import type { ReadDeps } from './read-environments';

export const readDeps = (): ReadDeps => ({ ec2, stage: config('stage'), region: config('region') });

let images: ImageReader | undefined;

export const createDeps = (): CreateEnvironmentDeps => {
  images ??= createImageReader({
    ssm,
    parameterName: config('amiParameterName'),
    ttlSeconds: config('imageCacheTtlSeconds'),
  });
  return {
    ...readDeps(),
    images,
    launchTemplateId: config('launchTemplateId'),
    allowedInstanceTypes: config('allowedInstanceTypes'),
    quota: config('quota'),
    imageStaleAfterDays: config('imageStaleAfterDays'),
  };
};
