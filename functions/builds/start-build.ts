/**
 * Starting a build: at most one build of the pipeline runs at a time, and every build gets exactly one watcher.
 */
import {
  GetImagePipelineCommand,
  type ImagebuilderClient,
  paginateListImagePipelineImages,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { isBuildPhase } from '#commons/builds/phases';
import {
  BuildStartRejectedError,
  ImageBuilderUnavailableError,
  PipelineDisabledError,
  PipelineNotFoundError,
} from './errors';
import { executionArnOf, watcherExecutionName } from './names';

export interface BuildStarterDeps {
  imagebuilder: ImagebuilderClient;
  sfn: SFNClient;
  pipelineArn: string;
  stateMachineArn: string;
}

export type StartBuildResult =
  | { outcome: 'STARTED'; imageBuildVersionArn: string; executionArn: string }
  | { outcome: 'ALREADY_RUNNING'; imageBuildVersionArn: string; executionArn: string; status: string };

const translateImageBuilderError = (error: unknown, pipelineArn: string): Error => {
  const name = (error as { name?: string }).name ?? '';
  if (name === 'ResourceNotFoundException') return new PipelineNotFoundError(pipelineArn, { cause: error });
  if (['ServiceUnavailableException', 'ServiceException', 'CallRateLimitExceededException'].includes(name)) {
    return new ImageBuilderUnavailableError(`Image Builder is unavailable: ${name}`, { cause: error });
  }
  if (
    [
      'InvalidRequestException',
      'ResourceInUseException',
      'IdempotentParameterMismatchException',
      'ClientException',
      'ForbiddenException',
      'ServiceQuotaExceededException',
    ].includes(name)
  ) {
    const detail = (error as { message?: string }).message;
    return new BuildStartRejectedError(
      `Image Builder refused to start a build of ${pipelineArn}: ${name}: ${detail}`,
      {
        cause: error,
      },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
};

/** The newest unfinished build of the pipeline, if any. Every page is read: the API has no status filter. */
export const findRunningBuild = async (
  imagebuilder: ImagebuilderClient,
  pipelineArn: string,
): Promise<{ arn: string; status: string } | undefined> => {
  let newest: { arn: string; status: string; created: string } | undefined;
  for await (const page of paginateListImagePipelineImages(
    { client: imagebuilder, pageSize: 25 },
    { imagePipelineArn: pipelineArn },
  )) {
    for (const image of page.imageSummaryList ?? []) {
      const status = image.state?.status;
      if (!image.arn || !status || !isBuildPhase(status)) continue;
      const created = image.dateCreated ?? '';
      if (!newest || created > newest.created) newest = { arn: image.arn, status, created };
    }
  }
  return newest && { arn: newest.arn, status: newest.status };
};

/** Starts (or re-attaches to) the watcher of a build. Same name and input: Step Functions returns the existing one. */
export const startWatcher = async (
  deps: Pick<BuildStarterDeps, 'sfn' | 'stateMachineArn'>,
  imageBuildVersionArn: string,
): Promise<string> => {
  const name = watcherExecutionName(imageBuildVersionArn);
  try {
    const { executionArn } = await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.stateMachineArn,
        name,
        input: JSON.stringify({ imageBuildVersionArn }),
      }),
    );
    return executionArn ?? executionArnOf(deps.stateMachineArn, name);
  } catch (error) {
    // A watcher for this build already exists (e.g. it finished): that is the one we wanted.
    if ((error as { name?: string }).name === 'ExecutionAlreadyExists') {
      return executionArnOf(deps.stateMachineArn, name);
    }
    throw error;
  }
};

/**
 * Starts a build of the pipeline unless one is still running, then makes sure the build has its watcher.
 * `clientToken` makes the start idempotent: the same token always yields the same build.
 */
export const startBuild = async (deps: BuildStarterDeps, clientToken: string): Promise<StartBuildResult> => {
  const { imagebuilder, pipelineArn } = deps;
  let running: { arn: string; status: string } | undefined;
  try {
    const { imagePipeline } = await imagebuilder.send(
      new GetImagePipelineCommand({ imagePipelineArn: pipelineArn }),
    );
    if (imagePipeline?.status === 'DISABLED') throw new PipelineDisabledError(pipelineArn);
    running = await findRunningBuild(imagebuilder, pipelineArn);
  } catch (error) {
    if (error instanceof PipelineDisabledError) throw error;
    throw translateImageBuilderError(error, pipelineArn);
  }

  if (running) {
    // Re-attaching is idempotent and heals a previous invocation that died between the two starts.
    const executionArn = await startWatcher(deps, running.arn);
    return {
      outcome: 'ALREADY_RUNNING',
      imageBuildVersionArn: running.arn,
      executionArn,
      status: running.status,
    };
  }

  let imageBuildVersionArn: string | undefined;
  try {
    ({ imageBuildVersionArn } = await imagebuilder.send(
      new StartImagePipelineExecutionCommand({ imagePipelineArn: pipelineArn, clientToken }),
    ));
  } catch (error) {
    throw translateImageBuilderError(error, pipelineArn);
  }
  if (!imageBuildVersionArn) {
    throw new BuildStartRejectedError(`Image Builder returned no image build version for ${pipelineArn}`);
  }
  const executionArn = await startWatcher(deps, imageBuildVersionArn);
  return { outcome: 'STARTED', imageBuildVersionArn, executionArn };
};
