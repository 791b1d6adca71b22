/**
 * The API's response bodies as the CLI reads them: loose objects (unknown fields are kept for --json) and
 * optional fields wherever a newer or older API may omit them.
 */
import { z } from 'zod';

const optionalText = z.string().nullish();

export const EnvironmentSchema = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  owner: optionalText,
  state: z.string(),
  instanceId: optionalText,
  instanceType: optionalText,
  amiId: optionalText,
  imageLabel: optionalText,
  createdAt: optionalText,
  connect: optionalText,
  warnings: z.array(z.string()).optional(),
});
export type Environment = z.output<typeof EnvironmentSchema>;

export const EnvironmentListSchema = z.looseObject({ environments: z.array(EnvironmentSchema) });

export const ImageSchema = z.looseObject({
  amiId: z.string(),
  version: z.number().nullish(),
  label: optionalText,
  publishedAt: optionalText,
});
export type Image = z.output<typeof ImageSchema>;

export const BuildPhaseSchema = z.looseObject({
  name: z.string(),
  startedAt: optionalText,
  /** Absent or null while the phase is still running. */
  durationSeconds: z.number().nullish(),
});

export const BuildSchema = z.looseObject({
  id: z.string(),
  imageBuildVersionArn: optionalText,
  executionArn: optionalText,
  status: z.string(),
  outcome: optionalText,
  phase: optionalText,
  startedAt: optionalText,
  stoppedAt: optionalText,
  amiId: optionalText,
  reason: optionalText,
  phases: z.array(BuildPhaseSchema).default([]),
});
export type Build = z.output<typeof BuildSchema>;

export const StartedBuildSchema = z.looseObject({ build: BuildSchema });
export const BuildListSchema = z.looseObject({ builds: z.array(BuildSchema) });

export const PruneReportSchema = z.looseObject({
  dryRun: z.boolean(),
  kept: z.array(
    z.looseObject({ amiId: z.string(), name: optionalText, reasons: z.array(z.string()).default([]) }),
  ),
  deleted: z.array(
    z.looseObject({ amiId: z.string(), name: optionalText, snapshots: z.array(z.string()).default([]) }),
  ),
  failed: z
    .array(
      z.looseObject({ amiId: z.string(), step: z.string(), snapshotId: optionalText, error: z.string() }),
    )
    .default([]),
});
export type PruneReport = z.output<typeof PruneReportSchema>;

export const TokenSchema = z.looseObject({ token: z.string().min(1) });

export const ApiErrorBodySchema = z.object({
  error: z.looseObject({ code: z.string(), message: z.string() }),
});
