import { randomBytes } from 'node:crypto';

/** 3–32 characters: lowercase letter first, then lowercase letters, digits or hyphens, no hyphen at the end. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

/** `env-<4 hex>`, avoiding the names the owner already uses. */
export const generateName = (
  taken: ReadonlySet<string>,
  random = () => randomBytes(2).toString('hex'),
): string => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = `env-${random()}`;
    if (!taken.has(candidate)) return candidate;
  }
  return `env-${randomBytes(4).toString('hex')}`;
};
