/** The workflow's state document, validated at every Lambda boundary. */
import { z } from 'zod';

export const phaseTimingSchema = z.object({
  phase: z.string(),
  /** When the watcher first saw the image in this status. */
  startedAt: z.string(),
  /** When it first saw the next status; absent for the current (or final) one. */
  endedAt: z.string().optional(),
  seconds: z.number().optional(),
});
export type PhaseTiming = z.infer<typeof phaseTimingSchema>;

export const watchStateSchema = z.object({
  status: z.string(),
  reason: z.string().optional(),
  amiId: z.string().optional(),
  /** When the build started: the trigger's `startedAt`, else the image's creation time. Keys the deadline and the label. */
  startedAt: z.string(),
  lastCheckedAt: z.string(),
  checks: z.number().int(),
  /** Last non-terminal status seen: where a failed build stopped. */
  lastPhase: z.string().optional(),
  timings: z.array(phaseTimingSchema),
  /** How long the next WaitForPhaseChange may wait for an event before polling (its TimeoutSecondsPath). */
  pollAfterSeconds: z.number().int().min(1),
});
export type WatchState = z.infer<typeof watchStateSchema>;

/**
 * What WaitForPhaseChange leaves in `$.change`: the callback's output (event or awaitBuildChange's re-check), or
 * the States.Timeout error when the wait fell back to polling.
 */
export const changeSchema = z.object({
  status: z.string().optional(),
  previousStatus: z.string().optional(),
  time: z.string().optional(),
  source: z.enum(['event', 'recheck']).optional(),
  Error: z.string().optional(),
});
export type StatusChange = z.infer<typeof changeSchema>;

export const stepErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });
export type StepError = z.infer<typeof stepErrorSchema>;

export const workflowInputSchema = z.object({
  imageBuildVersionArn: z.string().startsWith('arn:'),
  startedAt: z.string().optional(),
});

/** The execution state as it flows between states (fields are added as the workflow advances). */
export const executionStateSchema = workflowInputSchema.extend({
  watch: watchStateSchema.optional(),
  change: changeSchema.optional(),
  error: stepErrorSchema.optional(),
});
export type ExecutionState = z.infer<typeof executionStateSchema>;

export const publicationSchema = z.object({
  parameterName: z.string(),
  parameterVersion: z.number(),
  label: z.string(),
  amiId: z.string(),
  publishedAt: z.string(),
});

export const pruneReportSchema = z.object({
  dryRun: z.boolean(),
  kept: z.array(z.object({ amiId: z.string() })),
  deleted: z.array(z.object({ amiId: z.string() })),
  failed: z.array(
    z.object({ amiId: z.string(), step: z.string(), snapshotId: z.string().optional(), error: z.string() }),
  ),
});

/** What the notification states receive: `{"state.$": "$"}` plus, for pruning, an explicit outcome. */
export const noticeInputSchema = z.object({
  outcome: z.literal('PRUNE_INCOMPLETE').optional(),
  state: executionStateSchema.extend({
    publication: publicationSchema.optional(),
    prune: pruneReportSchema.optional(),
  }),
});
export type NoticeInput = z.infer<typeof noticeInputSchema>;
