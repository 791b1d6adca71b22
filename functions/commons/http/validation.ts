import type * as z from 'zod/mini';
import { ValidationError } from './errors';

/**
 * Parses input with a zod schema at the boundary. The error names the offending field (for unknown fields,
 * the first unknown key) and carries the schema's own message, never the raw input.
 */
export const validate = <Schema extends z.ZodMiniType>(
  schema: Schema,
  input: unknown,
  location: string,
): z.infer<Schema> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ValidationError(location, 'is invalid');
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    throw new ValidationError([...path, key].join('.') || location, 'is not a known field');
  }
  const field = path.length > 0 ? path.join('.') : location;
  throw new ValidationError(field, issue.message);
};
