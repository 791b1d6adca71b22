/**
 * `/_emulator/*` routes: steer the next build's outcome, phase timings and event delivery, and inspect or reset the
 * emulator. Errors use the project's HTTP error shape `{"error":{"code","message"}}`.
 */
import { z } from 'zod';
import type { EventPublisher } from './events';
import type { BuildSettings } from './settings';
import type { ImageBuilderStore } from './store';
import { BUILD_PHASES, type BuildPhase } from './types';

export class ControlRouteError extends Error {
  override name = 'ControlRouteError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlContext {
  store: ImageBuilderStore;
  settings: BuildSettings;
  events: EventPublisher;
  reset(): void;
}

export interface ControlResponse {
  status: number;
  body: unknown;
}

type ControlHandler = (context: ControlContext, body: unknown) => ControlResponse;

const parseBody = <T>(schema: z.ZodType<T>, body: unknown): T => {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new ControlRouteError(400, 'InvalidBody', details.join('; '));
};

const nextBuildSchema = z.strictObject({
  outcome: z.enum(['FAILED', 'CANCELLED']),
  phase: z.enum(['BUILDING', 'TESTING', 'DISTRIBUTING']),
  reason: z.string().min(1).max(1024).optional(),
});

const phaseDurationsSchema = z
  .strictObject(
    Object.fromEntries(
      BUILD_PHASES.map((phase) => [phase, z.number().int().nonnegative().optional()]),
    ) as Record<BuildPhase, z.ZodOptional<z.ZodNumber>>,
  )
  .refine((durations) => Object.keys(durations).length > 0, 'give at least one phase');

const eventTargetSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
});

const setNextBuild: ControlHandler = ({ settings }, body) => {
  const instruction = parseBody(nextBuildSchema, body);
  const replaced = settings.nextBuild !== undefined;
  settings.nextBuild = instruction;
  return { status: 200, body: { nextBuild: instruction, replaced } };
};

const clearNextBuild: ControlHandler = ({ settings }) => {
  settings.nextBuild = undefined;
  return { status: 200, body: { nextBuild: null } };
};

const setPhaseDurations: ControlHandler = ({ settings }, body) => {
  const durations = parseBody(phaseDurationsSchema, body);
  settings.phaseDurations = { ...settings.phaseDurations, ...durations };
  return { status: 200, body: { phaseDurations: settings.phaseDurations } };
};

const setEventTarget: ControlHandler = ({ events }, body) => {
  events.webhookUrl = parseBody(eventTargetSchema, body).url;
  return { status: 200, body: { eventTarget: events.webhookUrl } };
};

const clearEventTarget: ControlHandler = ({ events }) => {
  events.webhookUrl = undefined;
  return { status: 200, body: { eventTarget: null } };
};

const showState: ControlHandler = ({ store, settings, events }) => ({
  status: 200,
  body: {
    pipelines: [...store.pipelines.values()],
    distributionConfigurations: [...store.distributionConfigurations.values()],
    images: [...store.images.values()],
    nextBuild: settings.nextBuild ?? null,
    phaseDurations: settings.phaseDurations,
    eventTarget: events.webhookUrl ?? null,
  },
});

const reset: ControlHandler = (context) => {
  context.reset();
  return { status: 200, body: { reset: true } };
};

/** Keyed by `<METHOD> <path>`. */
export const CONTROL_ROUTES: Record<string, ControlHandler> = {
  'POST /_emulator/next-build': setNextBuild,
  'DELETE /_emulator/next-build': clearNextBuild,
  'PUT /_emulator/phase-durations': setPhaseDurations,
  'PUT /_emulator/event-target': setEventTarget,
  'DELETE /_emulator/event-target': clearEventTarget,
  'GET /_emulator/state': showState,
  'POST /_emulator/reset': reset,
};
