/** Watcher settings from the environment, read once per cold start. Defaults match the template's params. */
import { optionalEnv, requireEnv } from '#commons/env';

export class InvalidSettingError extends Error {
  override name = 'InvalidSettingError';
}

export const intSetting = (variable: string, fallback: number): number => {
  const raw = optionalEnv(variable, String(fallback));
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidSettingError(
      `Environment variable ${variable} must be a non-negative integer, got "${raw}"`,
    );
  }
  return value;
};

/** A non-negative number (RETAIN_DAYS may be fractional, e.g. 0.5 for 12 hours). */
export const numberSetting = (variable: string, fallback: number): number => {
  const raw = optionalEnv(variable, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidSettingError(
      `Environment variable ${variable} must be a non-negative number, got "${raw}"`,
    );
  }
  return value;
};

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
  retainNewest: intSetting('RETAIN_NEWEST', 3),
  retainDays: numberSetting('RETAIN_DAYS', 2),
});
