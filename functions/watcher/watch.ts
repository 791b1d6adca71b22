/**
 * The watch reducer behind CheckBuild: takes the previous watch state and what Image Builder says now, returns the
 * next watch state (phase timings, deadline, how long to wait for the next event before polling).
 */
import { isBuildPhase, isTerminalStatus } from '#commons/builds/phases';
import { logger } from '#commons/logger';
import { BuildWatchTimeoutError, UnexpectedImageStateError } from './errors';
import { describeImage, type ImagebuilderPort, type ImageSnapshot } from './image';
import type { ExecutionState, PhaseTiming, WatchState } from './schemas';

export interface WatchSettings {
  maxWatchSeconds: number;
  pollFallbackSeconds: number;
}

const secondsBetween = (from: string, to: Date): number =>
  Math.max(0, Math.round((to.getTime() - new Date(from).getTime()) / 1000));

const closeLast = (timings: PhaseTiming[], at: Date, imageBuildVersionArn: string): void => {
  const last = timings.at(-1);
  if (!last || last.endedAt) return;
  last.endedAt = at.toISOString();
  last.seconds = secondsBetween(last.startedAt, at);
  // Structured fields so build and test durations can be graphed (CloudWatch Logs Insights: stats by phase).
  logger.info('build phase finished', { imageBuildVersionArn, phase: last.phase, seconds: last.seconds });
};

/** Pure: the next watch state from the previous one and a fresh GetImage, at `now`. Throws on timeout. */
export const reduceWatch = (
  state: ExecutionState,
  image: ImageSnapshot,
  now: Date,
  settings: WatchSettings,
): WatchState => {
  const previous = state.watch;
  const nowIso = now.toISOString();
  const startedAt = previous?.startedAt ?? state.startedAt ?? image.dateCreated ?? nowIso;
  const timings = structuredClone(previous?.timings ?? []);

  // An event may report a phase the watcher never saw (a phase shorter than a round trip): record that it happened.
  const missed = state.change?.previousStatus;
  if (missed && isBuildPhase(missed) && timings.at(-1)?.phase !== missed && missed !== image.status) {
    const at = state.change?.time ? new Date(state.change.time) : now;
    closeLast(timings, at, state.imageBuildVersionArn);
    timings.push({ phase: missed, startedAt: at.toISOString() });
  }
  if (timings.at(-1)?.phase !== image.status) {
    closeLast(timings, now, state.imageBuildVersionArn);
    timings.push({ phase: image.status, startedAt: nowIso });
  }
  const lastPhase = [...timings].reverse().find((timing) => isBuildPhase(timing.phase))?.phase;

  if (!isBuildPhase(image.status) && !isTerminalStatus(image.status)) {
    throw new UnexpectedImageStateError(
      `Image ${state.imageBuildVersionArn} is ${image.status}; the watcher follows only builds in progress`,
    );
  }
  if (image.status === 'AVAILABLE' && !image.amiId) {
    throw new UnexpectedImageStateError(`Image ${state.imageBuildVersionArn} is AVAILABLE but lists no AMI`);
  }
  const elapsed = secondsBetween(startedAt, now);
  if (!isTerminalStatus(image.status) && elapsed >= settings.maxWatchSeconds) {
    throw new BuildWatchTimeoutError(
      `Build still ${image.status} after ${elapsed} s (limit MAX_WATCH_SECONDS=${settings.maxWatchSeconds})`,
    );
  }
  if (isTerminalStatus(image.status)) {
    logger.info('build finished', {
      imageBuildVersionArn: state.imageBuildVersionArn,
      status: image.status,
      totalSeconds: elapsed,
      timings,
    });
  }
  return {
    status: image.status,
    ...(image.reason ? { reason: image.reason } : {}),
    ...(image.amiId ? { amiId: image.amiId } : {}),
    startedAt,
    lastCheckedAt: nowIso,
    checks: (previous?.checks ?? 0) + 1,
    ...(lastPhase ? { lastPhase } : {}),
    timings,
    // Never wait past the deadline: the check after it raises the timeout.
    pollAfterSeconds: Math.max(1, Math.min(settings.pollFallbackSeconds, settings.maxWatchSeconds - elapsed)),
  };
};

export const checkBuild = async (
  deps: { imagebuilder: ImagebuilderPort; now: () => Date },
  state: ExecutionState,
  settings: WatchSettings,
): Promise<WatchState> => {
  const image = await describeImage(deps.imagebuilder, state.imageBuildVersionArn);
  return reduceWatch(state, image, deps.now(), settings);
};
