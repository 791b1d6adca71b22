import { intEnv, requireEnv } from '#commons/env';

export interface EnvironmentsConfig {
  stage: string;
  region: string;
  amiParameterName: string;
  launchTemplateId: string;
  /** Allow-list; the first one is the default. */
  allowedInstanceTypes: string[];
  quota: number;
  imageStaleAfterDays: number;
  imageCacheTtlSeconds: number;
}

/** Each setting is read and checked once per container, on first use (so a missing one names itself). */
const readers = {
  stage: () => requireEnv('STAGE'),
  region: () => requireEnv('AWS_REGION'),
  amiParameterName: () => requireEnv('AMI_PARAMETER_NAME'),
  launchTemplateId: () => requireEnv('LAUNCH_TEMPLATE_ID'),
  allowedInstanceTypes: () => {
    const types = requireEnv('ALLOWED_INSTANCE_TYPES')
      .split(',')
      .map((type) => type.trim())
      .filter((type) => type.length > 0);
    if (types.length === 0)
      throw new Error('Environment variable ALLOWED_INSTANCE_TYPES lists no instance type');
    return types;
  },
  quota: () => intEnv('ENVIRONMENT_QUOTA', 2),
  imageStaleAfterDays: () => intEnv('IMAGE_STALE_AFTER_DAYS', 2),
  imageCacheTtlSeconds: () => intEnv('IMAGE_CACHE_TTL_SECONDS', 60),
} satisfies { [K in keyof EnvironmentsConfig]: () => EnvironmentsConfig[K] };

const values: Partial<EnvironmentsConfig> = {};

/** Lazily read settings: a handler only requires the variables it actually uses. */
export const config = <K extends keyof EnvironmentsConfig>(key: K): EnvironmentsConfig[K] => {
  if (values[key] === undefined) values[key] = readers[key]() as EnvironmentsConfig[K];
  return values[key] as EnvironmentsConfig[K];
};

/** Tests change settings between cases; production never calls this. */
export const resetConfigForTests = (): void => {
  for (const key of Object.keys(values) as (keyof EnvironmentsConfig)[]) delete values[key];
};
