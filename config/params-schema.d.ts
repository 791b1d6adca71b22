/** Types of params-schema.js (plain CommonJS so the Serverless Framework can load it directly). */
import type { z } from 'zod';

export declare const paramsSchema: z.ZodObject;
export declare const validateParams: (params: unknown) => Record<string, unknown>;
