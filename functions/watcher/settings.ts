/** Watcher settings from the environment, read once per cold start. Defaults match the template's params. */
import { intEnv, numberEnv, optionalEnv, requireEnv } from '#commons/env';

export const boolSetting = (variable: string, fallback: boolean): boolean =>
  ['true', '1', 'yes'].includes(optionalEnv(variable, String(fallback)).toLowerCase());

export const stage = (): string => requireEnv('STAGE');
export const amiParameterName = (): string =>
  optionalEnv('AMI_PARAMETER_NAME', `/cloudboot/${stage()}/ami/current`);
export const watchTokenParameterPrefix = (): string =>
  optionalEnv('WATCH_TOKEN_PARAMETER_PREFIX', `/cloudboot/${stage()}/watch/`);

/** The keep rules of pruning, shared by the workflow's pruneImages and the API's dry run. */
export const pruneSettings = () => ({
  stage: stage(),
  amiParameterName: amiParameterName(),
  retainNewest: intEnv('RETAIN_NEWEST', 3),
  retainDays: numberEnv('RETAIN_DAYS', 2),
});
