/** Boundary schemas: every route validates its path, query, headers and body before any AWS call. */
import { z } from 'zod';
import { NAME_PATTERN } from './names';

export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** Printable ASCII, no leading space, 1–128 characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[!-~][ -~]{0,127}$/;

const isRealDate = (value: string): boolean => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

export const createBodySchema = (allowedInstanceTypes: readonly string[]) =>
  z
    .object(
      {
        name: z
          .string({ error: 'must be a string' })
          .regex(NAME_PATTERN, {
            error:
              'must be 3-32 characters: a lowercase letter, then lowercase letters, digits or hyphens, not ending with a hyphen',
          })
          .optional(),
        instanceType: z
          .string({ error: 'must be a string' })
          .refine((value) => allowedInstanceTypes.includes(value), {
            error: `must be one of: ${allowedInstanceTypes.join(', ')}`,
          })
          .optional(),
        image: z
          .string({ error: 'must be a string' })
          .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date label YYYY-MM-DD' })
          .refine(isRealDate, { error: 'must be a real calendar date YYYY-MM-DD' })
          .optional(),
      },
      { error: 'must be a JSON object' },
    )
    .strict();

export const idempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, { error: 'must be 1-128 printable ASCII characters' })
  .optional();

export const environmentIdSchema = z.object({
  id: z
    .string({ error: 'is required' })
    .regex(INSTANCE_ID_PATTERN, { error: 'must be an instance id i-<8 or 17 hex>' }),
});

export const listQuerySchema = z
  .object({ all: z.enum(['true', 'false'], { error: 'must be true or false' }).optional() })
  .strict();
