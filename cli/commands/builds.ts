/** `cloudboot build …`: start and follow nightly image builds (admins). */
import type { Command } from 'commander';
import { type Context, createContext } from '../context';
import { ApiError, CliError } from '../errors';
import { formatDuration, keyValues, secondsBetween, table } from '../format';
import type { CliIo } from '../io';
import { createProgress, pollInterval, sleep } from '../progress';
import { type Build, BuildListSchema, BuildSchema, StartedBuildSchema } from '../schemas';

const buildPath = (id: string) => `/builds/${encodeURIComponent(id)}`;

const isRunning = (build: Build) => build.status === 'RUNNING';
const result = (build: Build) => build.outcome ?? build.status;

/** Wall time of a finished build, or time so far of a running one. */
const duration = (build: Build, now = new Date()): number | undefined =>
  secondsBetween(build.startedAt, build.stoppedAt ?? (isRunning(build) ? now : undefined)) ??
  (build.phases.length > 0
    ? build.phases.reduce((sum, phase) => sum + (phase.durationSeconds ?? 0), 0)
    : undefined);

const durationText = (build: Build) => {
  const seconds = duration(build);
  return seconds === undefined ? '-' : `${formatDuration(seconds)}${isRunning(build) ? '…' : ''}`;
};

const phaseLines = (build: Build): string[] =>
  build.phases.map((phase) => {
    const time =
      phase.durationSeconds != null
        ? formatDuration(phase.durationSeconds)
        : `running ${durationSince(phase.startedAt)}`;
    return `  ${phase.name.padEnd(14)} ${time}`;
  });

const durationSince = (from: string | null | undefined): string => {
  const seconds = secondsBetween(from, new Date());
  return seconds === undefined ? '' : formatDuration(seconds);
};

const details = (build: Build): string => {
  const lines = [
    keyValues([
      ['id', build.id],
      ['status', build.status],
      ['outcome', build.outcome],
      ['phase', build.phase],
      ['started', build.startedAt],
      ['stopped', build.stoppedAt],
      ['duration', durationText(build)],
      ['ami', build.amiId],
      ['reason', build.reason],
      ['image build', build.imageBuildVersionArn],
      ['execution', build.executionArn],
    ]),
  ];
  if (build.phases.length > 0) lines.push('phases:', ...phaseLines(build));
  return lines.join('\n');
};

const TERMINAL_IMAGE_STATUSES = new Set([
  'AVAILABLE',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
  'SUCCEEDED',
  'ABORTED',
]);

/** Follows a build until it stops; on a TTY a live line, otherwise one timestamped line per phase. */
const follow = async (context: Context, first: Build): Promise<Build> => {
  const { colors } = context;
  const progress = createProgress(context.io);
  const interval = pollInterval(context.io.env);
  const reported = new Set<string>();
  let phase: string | undefined;
  let phaseSeenAt = Date.now();
  // Where a failed build stopped: the last phase seen before FAILED/CANCELLED.
  let lastActivePhase: string | undefined;
  let build = first;
  try {
    for (;;) {
      if (context.io.isTTY) {
        for (const done of build.phases) {
          if (done.durationSeconds == null || reported.has(done.name)) continue;
          reported.add(done.name);
          progress.line(
            `${colors.green('✓')} ${done.name.padEnd(14)} ${formatDuration(done.durationSeconds)}`,
          );
        }
      }
      const current = build.phase ?? build.status;
      if (!TERMINAL_IMAGE_STATUSES.has(current)) lastActivePhase = current;
      if (current !== phase) {
        phase = current;
        phaseSeenAt = Date.now();
        // A failure seen on the final poll still names the phase it failed in (TESTING, then FAILED).
        if (!context.io.isTTY && current !== result(build)) progress.line(current);
      }
      if (!isRunning(build)) {
        if (!context.io.isTTY) progress.line(result(build));
        return build.status === 'SUCCEEDED' || !lastActivePhase
          ? build
          : { ...build, phase: lastActivePhase };
      }
      const shown = build;
      const phaseStart = shown.phases.find(
        (entry) => entry.name === current && entry.durationSeconds == null,
      );
      progress.live(() => {
        const inPhase =
          secondsBetween(phaseStart?.startedAt, new Date()) ?? (Date.now() - phaseSeenAt) / 1000;
        return `${colors.bold(current)} ${formatDuration(inPhase)}  ${colors.dim(`build ${shown.id}, ${durationText(shown)} total`)}`;
      });
      await sleep(interval);
      build = await context.api.request('GET', buildPath(build.id), BuildSchema);
    }
  } finally {
    progress.stop();
  }
};

const reportOutcome = (context: Context, build: Build): void => {
  if (build.status === 'SUCCEEDED') {
    context.result(
      build,
      () =>
        `${context.colors.green('✓')} build ${build.id} succeeded in ${durationText(build)}: ${build.amiId ?? 'no AMI reported'}`,
    );
    return;
  }
  if (context.json) context.result(build, () => '');
  const where = build.phase ? ` at ${build.phase}` : '';
  throw new CliError(`build ${build.id} ${result(build)}${where}: ${build.reason ?? 'no reason reported'}`);
};

export const startBuild = async (context: Context, options: { wait?: boolean }): Promise<void> => {
  let build: Build;
  try {
    ({ build } = await context.api.request('POST', '/builds', StartedBuildSchema));
  } catch (error) {
    const running =
      error instanceof ApiError && error.code === 'BuildInProgress' ? error.details.buildId : undefined;
    if (!options.wait || typeof running !== 'string') throw error;
    // Starting is idempotent for a running build: follow the one already going.
    context.warn(`a build is already in progress (${running}); following it`);
    build = await context.api.request('GET', buildPath(running), BuildSchema);
  }
  if (!options.wait) {
    context.result(
      build,
      () => `Started build ${build.id}. Follow it with: cloudboot build show ${build.id}`,
    );
    return;
  }
  context.print(`Following build ${build.id}`);
  reportOutcome(context, await follow(context, build));
};

export const listBuilds = async (context: Context): Promise<void> => {
  const list = await context.api.request('GET', '/builds', BuildListSchema);
  context.result(list, () =>
    list.builds.length === 0
      ? 'No builds yet.'
      : table(
          ['ID', 'STARTED', 'OUTCOME', 'AMI', 'DURATION'],
          list.builds.map((build) => [
            build.id,
            build.startedAt ?? '-',
            result(build),
            build.amiId ?? '-',
            durationText(build),
          ]),
        ),
  );
};

export const showBuild = async (context: Context, id: string): Promise<void> => {
  const build = await context.api.request('GET', buildPath(id), BuildSchema);
  context.result(build, () => details(build));
};

export const registerBuildCommands = (program: Command, io: CliIo): void => {
  const build = program.command('build').description('nightly image builds (admins)');
  build
    .command('start')
    .description('start a build now')
    .option('--wait', 'follow its phases until it ends (exit 0 only if it succeeded)')
    .action((options: { wait?: boolean }, command: Command) =>
      startBuild(createContext(io, command), options),
    );
  build
    .command('list')
    .alias('ls')
    .description('recent builds, newest first')
    .action((_options: unknown, command: Command) => listBuilds(createContext(io, command)));
  build
    .command('show')
    .description('one build with its phase durations')
    .argument('<id>', 'build id')
    .action((id: string, _options: unknown, command: Command) => showBuild(createContext(io, command), id));
};
