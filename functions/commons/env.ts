/** Thrown at cold start when the template (or the local stack) forgot to pass a setting. */
export class MissingEnvironmentVariableError extends Error {
  override name = 'MissingEnvironmentVariableError';
  constructor(variable: string) {
    super(`Environment variable ${variable} is not set`);
  }
}

/** Reads a required environment variable, naming it when it is missing or empty. */
export const requireEnv = (variable: string): string => {
  const value = process.env[variable];
  if (value === undefined || value === '') throw new MissingEnvironmentVariableError(variable);
  return value;
};

/** Reads an optional environment variable with a default. */
export const optionalEnv = (variable: string, fallback: string): string => {
  const value = process.env[variable];
  return value === undefined || value === '' ? fallback : value;
};

/** Thrown at cold start when a setting is present but not of the expected form. */
export class InvalidEnvironmentVariableError extends Error {
  override name = 'InvalidEnvironmentVariableError';
}

const numericEnv = (variable: string, fallback: number, accept: (value: number) => boolean, kind: string) => {
  const raw = optionalEnv(variable, String(fallback));
  const value = Number(raw);
  if (!accept(value) || value < 0) {
    throw new InvalidEnvironmentVariableError(
      `Environment variable ${variable} must be a ${kind}, got "${raw}"`,
    );
  }
  return value;
};

/** A non-negative integer setting (counts, seconds), with the template's default. */
export const intEnv = (variable: string, fallback: number): number =>
  numericEnv(variable, fallback, Number.isInteger, 'non-negative integer');

/** A non-negative number setting (RETAIN_DAYS may be fractional, e.g. 0.5 for 12 hours). */
export const numberEnv = (variable: string, fallback: number): number =>
  numericEnv(variable, fallback, Number.isFinite, 'non-negative number');
