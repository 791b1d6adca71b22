/** The workflow's state document, validated at every Lambda boundary. */
// zod/mini: the same validation, tree-shakable (the classic API would add ~450 KB to every bundle).
import * as z from 'zod/mini';

export const phaseTimingSchema = z.object({
  phase: z.string(),
  /** When the watcher first saw the image in this status. */
  startedAt: z.string(),
  /** When it first saw the next status; absent for the current (or final) one. */
  endedAt: z.optional(z.string()),
  seconds: z.optional(z.number()),
});
export type PhaseTiming = z.infer<typeof phaseTimingSchema>;

export const watchStateSchema = z.object({
  status: z.string(),
  reason: z.optional(z.string()),
  amiId: z.optional(z.string()),
  /** When the build started: the trigger's `startedAt`, else the image's creation time. Keys the deadline and the label. */
  startedAt: z.string(),
  lastCheckedAt: z.string(),
  checks: z.int(),
  /** Last non-terminal status seen: where a failed build stopped. */
  lastPhase: z.optional(z.string()),
  timings: z.array(phaseTimingSchema),
  /** How long the next WaitForPhaseChange may wait for an event before polling (its TimeoutSecondsPath). */
  pollAfterSeconds: z.int().check(z.minimum(1)),
});
export type WatchState = z.infer<typeof watchStateSchema>;

/**
 * What WaitForPhaseChange leaves in `$.change`: the callback's output (event or awaitBuildChange's re-check), or
 * the States.Timeout error when the wait fell back to polling.
 */
export const changeSchema = z.object({
  status: z.optional(z.string()),
  previousStatus: z.optional(z.string()),
  time: z.optional(z.string()),
  source: z.optional(z.enum(['event', 'recheck'])),
  Error: z.optional(z.string()),
});
export type StatusChange = z.infer<typeof changeSchema>;

export const stepErrorSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });
export type StepError = z.infer<typeof stepErrorSchema>;

export const workflowInputSchema = z.object({
  imageBuildVersionArn: z.string().check(z.startsWith('arn:')),
  startedAt: z.optional(z.string()),
});

/** The execution state as it flows between states (fields are added as the workflow advances). */
export const executionStateSchema = z.extend(workflowInputSchema, {
  watch: z.optional(watchStateSchema),
  change: z.optional(changeSchema),
  error: z.optional(stepErrorSchema),
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
    z.object({ amiId: z.string(), step: z.string(), snapshotId: z.optional(z.string()), error: z.string() }),
  ),
});

/** What the notification states receive: `{"state.$": "$"}` plus, for pruning, an explicit outcome. */
export const noticeInputSchema = z.object({
  outcome: z.optional(z.literal('PRUNE_INCOMPLETE')),
  state: z.extend(executionStateSchema, {
    publication: z.optional(publicationSchema),
    prune: z.optional(pruneReportSchema),
  }),
});
export type NoticeInput = z.infer<typeof noticeInputSchema>;
