/**
 * Builds as the builds API shows them, derived from the watcher's Step Functions executions (one per build,
 * named after it) and Image Builder: no database of our own.
 */
import { GetImageCommand, type ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { executionArnOf } from './names';

export interface BuildPhaseView {
  name: string;
  startedAt: string;
  durationSeconds?: number;
}

export interface BuildView {
  id: string;
  imageBuildVersionArn?: string;
  executionArn: string;
  /** The watcher execution: RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
  status: string;
  /** The image's status as Image Builder reports it (the current phase while running). */
  phase?: string;
  outcome?: string;
  startedAt?: string;
  stoppedAt?: string;
  amiId?: string;
  reason?: string;
  phases: BuildPhaseView[];
}

export class BuildNotFoundError extends Error {
  override name = 'BuildNotFoundError';
}

/** What the watcher leaves in its input and output (only the fields the builds API shows). */
const watcherDocument = z.object({
  imageBuildVersionArn: z.optional(z.string()),
  watch: z.optional(
    z.object({
      status: z.optional(z.string()),
      reason: z.optional(z.string()),
      amiId: z.optional(z.string()),
      timings: z.optional(
        z.array(z.object({ phase: z.string(), startedAt: z.string(), seconds: z.optional(z.number()) })),
      ),
    }),
  ),
});
type WatcherDocument = z.infer<typeof watcherDocument>;

const parseDocument = (text: string | undefined): WatcherDocument => {
  if (!text) return {};
  try {
    const parsed = watcherDocument.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
};

export interface BuildHistoryDeps {
  sfn: SFNClient;
  imagebuilder: ImagebuilderClient;
  stateMachineArn: string;
}

const toView = async (
  deps: BuildHistoryDeps,
  execution: DescribeExecutionCommandOutput,
): Promise<BuildView> => {
  const input = parseDocument(execution.input);
  const output = parseDocument(execution.output);
  const imageBuildVersionArn = output.imageBuildVersionArn ?? input.imageBuildVersionArn;
  const view: BuildView = {
    id: execution.name ?? '',
    imageBuildVersionArn,
    executionArn: execution.executionArn ?? '',
    status: execution.status ?? 'UNKNOWN',
    startedAt: execution.startDate?.toISOString(),
    stoppedAt: execution.stopDate?.toISOString(),
    phases: (output.watch?.timings ?? []).map((timing) => ({
      name: timing.phase,
      startedAt: timing.startedAt,
      ...(timing.seconds !== undefined ? { durationSeconds: timing.seconds } : {}),
    })),
  };
  if (output.watch) {
    view.outcome = output.watch.status;
    view.phase = output.watch.status;
    view.amiId = output.watch.amiId;
    view.reason = output.watch.reason;
  }
  // A running or failed execution has no output: ask Image Builder where the build is, and why it stopped.
  if (!output.watch && imageBuildVersionArn) {
    try {
      const { image } = await deps.imagebuilder.send(new GetImageCommand({ imageBuildVersionArn }));
      view.phase = image?.state?.status;
      if (execution.status !== 'RUNNING')
        view.outcome = execution.status === 'FAILED' ? image?.state?.status : execution.status;
      view.reason = image?.state?.reason ?? execution.cause;
      view.amiId = image?.outputResources?.amis?.[0]?.image;
    } catch {
      view.reason = execution.cause;
    }
  }
  return view;
};

/** The newest builds first (at most `limit`). */
export const listBuilds = async (deps: BuildHistoryDeps, limit = 20): Promise<BuildView[]> => {
  const { executions = [] } = await deps.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: deps.stateMachineArn, maxResults: limit }),
  );
  const described = await Promise.all(
    executions.map((execution) =>
      deps.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn })),
    ),
  );
  const views = await Promise.all(described.map((execution) => toView(deps, execution)));
  return views.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
};

export const getBuild = async (deps: BuildHistoryDeps, buildId: string): Promise<BuildView> => {
  try {
    const execution = await deps.sfn.send(
      new DescribeExecutionCommand({ executionArn: executionArnOf(deps.stateMachineArn, buildId) }),
    );
    return await toView(deps, execution);
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionDoesNotExist') {
      throw new BuildNotFoundError(`No build ${buildId}`, { cause: error });
    }
    throw error;
  }
};
