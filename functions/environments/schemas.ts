/** Boundary schemas: every route validates its path, query, headers and body before any AWS call. */
// zod/mini: the same validation, tree-shakable (the classic API would add ~450 KB to every bundle).
import * as z from 'zod/mini';
import { NAME_PATTERN } from './names';

export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** Printable ASCII, no leading space, 1–128 characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[!-~][ -~]{0,127}$/;

const isRealDate = (value: string): boolean => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

export const createBodySchema = (allowedInstanceTypes: readonly string[]) =>
  z.strictObject(
    {
      name: z.optional(
        z.string({ error: 'must be a string' }).check(
          z.regex(NAME_PATTERN, {
            error:
              'must be 3-32 characters: a lowercase letter, then lowercase letters, digits or hyphens, not ending with a hyphen',
          }),
        ),
      ),
      instanceType: z.optional(
        z.string({ error: 'must be a string' }).check(
          z.refine((value) => allowedInstanceTypes.includes(value), {
            error: `must be one of: ${allowedInstanceTypes.join(', ')}`,
          }),
        ),
      ),
      image: z.optional(
        z
          .string({ error: 'must be a string' })
          .check(
            z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date label YYYY-MM-DD' }),
            z.refine(isRealDate, { error: 'must be a real calendar date YYYY-MM-DD' }),
          ),
      ),
    },
    { error: 'must be a JSON object' },
  );

export const idempotencyKeySchema = z.optional(
  z.string().check(z.regex(IDEMPOTENCY_KEY_PATTERN, { error: 'must be 1-128 printable ASCII characters' })),
);

export const environmentIdSchema = z.object({
  id: z
    .string({ error: 'is required' })
    .check(z.regex(INSTANCE_ID_PATTERN, { error: 'must be an instance id i-<8 or 17 hex>' })),
});

export const listQuerySchema = z.strictObject({
  all: z.optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
});
