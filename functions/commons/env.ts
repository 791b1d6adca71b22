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

/** Reads a positive integer setting (counts, days, seconds). */
export const requireIntEnv = (variable: string): number => {
  const raw = requireEnv(variable);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${variable} must be a non-negative integer, got "${raw}"`);
  }
  return value;
};
