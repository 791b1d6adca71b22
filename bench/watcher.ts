/**
 * State transitions per build: the real build-watcher ASL run by aws-local-stepfunctions with its Tasks bound to
 * simulated handlers on a virtual clock (a build of hours runs in milliseconds). The watch reducer is the real one.
 * Compared with a naive 60-second poll loop (Wait → CheckBuild → Choice).
 */
import '../emulators/polyfills';
import { resolve } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { loadDefinitionFile } from '../emulators/stepfunctions/definition';
import { logger } from '../functions/commons/logger';
import type { ExecutionState } from '../functions/watcher/schemas';
import { reduceWatch } from '../functions/watcher/watch';

type Json = Parameters<StateMachine['run']>[0];
const MINUTE = 60_000;
const settings = { maxWatchSeconds: 4 * 3600, pollFallbackSeconds: 900 };

/** Phase lengths as a share of the build: building and testing dominate, as in real nightly builds. */
const timeline = (totalMinutes: number): { status: string; at: number }[] => {
  const shares: [string, number][] = [
    ['PENDING', 0.03],
    ['CREATING', 0.07],
    ['BUILDING', 0.55],
    ['TESTING', 0.25],
    ['DISTRIBUTING', 0.07],
    ['INTEGRATING', 0.03],
  ];
  let at = 0;
  const phases = shares.map(([status, share]) => {
    const phase = { status, at };
    at += share * totalMinutes * MINUTE;
    return phase;
  });
  return [...phases, { status: 'AVAILABLE', at: totalMinutes * MINUTE - 1 }];
};

const statusAt = (phases: { status: string; at: number }[], t: number): string =>
  phases.filter((phase) => phase.at <= t).at(-1)?.status ?? 'PENDING';

const countTransitions = async (
  definition: unknown,
  handlers: Record<string, (input: Json) => Promise<Json>>,
): Promise<number> => {
  const execution = new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0]).run(
    {
      imageBuildVersionArn: 'arn:aws:imagebuilder:eu-west-1:1:image/r/1.0.0/1',
      startedAt: new Date(0).toISOString(),
    },
    {
      overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: { PollEveryMinute: 0 } },
      context: { Task: { Token: 'simulated-token' } },
    },
  );
  let transitions = 0;
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') transitions += 1;
  }
  await execution.result.catch(() => undefined);
  return transitions;
};

const watcherTransitions = async (minutes: number): Promise<number> => {
  const phases = timeline(minutes);
  let now = 0;
  const { definition } = loadDefinitionFile(resolve(__dirname, '../statemachines/build-watcher.asl.yml'), {
    region: 'eu-west-1',
    accountId: '1',
  });
  // TimeoutSecondsPath is evaluated differently locally (see the emulator); the simulated wait applies it itself.
  const states = definition.States as Record<
    string,
    { TimeoutSecondsPath?: string; TimeoutSeconds?: number }
  >;
  if (states.WaitForPhaseChange) {
    delete states.WaitForPhaseChange.TimeoutSecondsPath;
    states.WaitForPhaseChange.TimeoutSeconds = 3600;
  }
  let lastWatch: ExecutionState['watch'];
  const ami = { amiId: 'ami-1' };
  return countTransitions(definition, {
    CheckBuild: async (input) => {
      const state = input as unknown as ExecutionState;
      const status = statusAt(phases, now);
      lastWatch = reduceWatch(
        state,
        { status, ...(status === 'AVAILABLE' ? ami : {}) },
        new Date(now),
        settings,
      );
      return lastWatch as unknown as Json;
    },
    // An event arrives at the next phase change, or the wait times out after pollAfterSeconds.
    WaitForPhaseChange: async () => {
      const current = statusAt(phases, now);
      const next = phases.find((phase) => phase.at > now && phase.status !== current);
      const timeoutAt = now + (lastWatch?.pollAfterSeconds ?? 900) * 1000;
      if (next && next.at <= timeoutAt) {
        now = next.at;
        return { status: next.status, source: 'event' };
      }
      now = timeoutAt;
      throw Object.assign(new Error('timed out'), { name: 'States.Timeout' });
    },
    PublishImage: async () => ({ parameterVersion: 1 }),
    PruneImages: async () => ({ dryRun: false, kept: [], deleted: [], failed: [] }),
    NotifySuccess: async () => ({ sent: false }),
    NotifyPruneIncomplete: async () => ({ sent: true }),
    NotifyFailure: async () => ({ sent: true }),
  });
};

/** The naive alternative: check, and if not finished wait 60 s and check again. */
const naiveTransitions = async (minutes: number): Promise<number> => {
  const phases = timeline(minutes);
  let now = 0;
  const definition = {
    StartAt: 'CheckBuild',
    States: {
      CheckBuild: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:eu-west-1:1:function:checkBuild',
        ResultPath: '$.status',
        Next: 'IsBuildFinished',
      },
      IsBuildFinished: {
        Type: 'Choice',
        Choices: [{ Variable: '$.status', StringEquals: 'AVAILABLE', Next: 'Done' }],
        Default: 'PollEveryMinute',
      },
      PollEveryMinute: { Type: 'Wait', Seconds: 60, Next: 'CheckBuild' },
      Done: { Type: 'Succeed' },
    },
  };
  return countTransitions(definition, {
    CheckBuild: async () => {
      const status = statusAt(phases, now);
      now += MINUTE;
      return status;
    },
  });
};

export const benchWatcher = async () => {
  logger.setLogLevel('SILENT');
  const builds: Record<
    string,
    { watcher: number; naivePollEveryMinute: number; estimatedHistoryEvents: number }
  > = {};
  for (const [label, minutes] of [
    ['15 min', 15],
    ['60 min', 60],
    ['4 h', 239],
  ] as const) {
    const watcher = await watcherTransitions(minutes);
    // A Lambda Task state writes ~5 history events (entered, scheduled, started, succeeded, exited); a Choice 2.
    builds[label] = {
      watcher,
      naivePollEveryMinute: await naiveTransitions(minutes),
      estimatedHistoryEvents: watcher * 5,
    };
  }
  return {
    unit: 'state transitions per build (StateEntered events)',
    target: '<= 40 for a 60-minute build',
    builds,
    historyLimit: 25_000,
  };
};
