/**
 * The watcher's local stack for integration tests: moto (shared, from globalSetup), the Image Builder emulator,
 * the Step Functions emulator running statemachines/build-watcher.asl.yml with every Task bound to the real
 * handler, and the EventBridge rule stood in for by forwarding the emulator's state-change events to the real
 * onImageStateChange handler.
 */
import { resolve } from 'node:path';
import {
  CreateDistributionConfigurationCommand,
  CreateImagePipelineCommand,
  ImagebuilderClient,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  type ImageBuilderEmulator,
  type PhaseDurations,
  startImageBuilderEmulator,
} from '../../../emulators/imagebuilder';
import { invokeLikeLambda, type LambdaHandler } from '../../../emulators/lambda';
import {
  type ExecutionRecord,
  type StepFunctionsEmulatorServer,
  startStepFunctionsEmulator,
} from '../../../emulators/stepfunctions';
import { motoEndpoint } from '../../support/moto';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const STAGE = 'test';
export const PARAMETER = `/cloudboot/${STAGE}/ami/current`;
export const PIPELINE_ARN = `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image-pipeline/cloudboot-${STAGE}-pipeline`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:cloudboot-${STAGE}-builds`;
const RECIPE_ARN = `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image-recipe/cloudboot-${STAGE}-recipe/1.0.0`;

/** Short but observable phases: each lasts long enough for a check-and-wait round trip. */
export const TEST_PHASES: PhaseDurations = {
  PENDING: 150,
  CREATING: 0,
  BUILDING: 400,
  TESTING: 400,
  DISTRIBUTING: 150,
  INTEGRATING: 0,
};

export interface WatcherStack {
  imagebuilderEmulator: ImageBuilderEmulator;
  sfnServer: StepFunctionsEmulatorServer;
  stateMachineArn: string;
  imagebuilder: ImagebuilderClient;
  /** Resolved handler modules, by function name (tests may reach their clients through #commons). */
  handlers: Record<string, LambdaHandler>;
  close(): Promise<void>;
}

export const watcherEnvironment = (overrides: Record<string, string> = {}): void => {
  Object.assign(process.env, {
    STAGE,
    AMI_PARAMETER_NAME: PARAMETER,
    WATCH_TOKEN_PARAMETER_PREFIX: `/cloudboot/${STAGE}/watch/`,
    NOTIFICATION_TOPIC_ARN: TOPIC_ARN,
    IMAGE_PIPELINE_ARN: PIPELINE_ARN,
    BUILD_LOG_GROUP: `/aws/imagebuilder/cloudboot-${STAGE}-recipe`,
    MAX_WATCH_SECONDS: '120',
    POLL_FALLBACK_SECONDS: '900',
    RETAIN_NEWEST: '3',
    RETAIN_DAYS: '2',
    FAILURE_ALERT_THRESHOLD: '3',
    NOTIFY_ON_SUCCESS: 'false',
    ...overrides,
  });
};

export const startWatcherStack = async (
  options: { phases?: PhaseDurations; waitForTaskTokenTimeoutMs?: number } = {},
): Promise<WatcherStack> => {
  let onStateChange: LambdaHandler | undefined;
  const imagebuilderEmulator = await startImageBuilderEmulator({
    port: 0,
    region: REGION,
    accountId: ACCOUNT,
    ec2Endpoint: motoEndpoint(),
    phaseDurations: options.phases ?? TEST_PHASES,
    // EventBridge rule → Lambda target, asynchronously like EventBridge.
    onStateChange: async (event) => {
      if (onStateChange) await invokeLikeLambda(onStateChange, event, { functionName: 'onImageStateChange' });
    },
    logger: { warn: () => undefined },
  });
  process.env.AWS_ENDPOINT_URL_IMAGEBUILDER = imagebuilderEmulator.url;
  // Handlers read their settings and create their clients at import, as at a Lambda cold start.
  const handlers: Record<string, LambdaHandler> = {
    checkBuild: (await import('../../../functions/watcher/check-build')).handler,
    awaitBuildChange: (await import('../../../functions/watcher/await-build-change')).handler,
    publishImage: (await import('../../../functions/watcher/publish-image')).handler,
    pruneImages: (await import('../../../functions/watcher/prune-images')).handler,
    notifyBuildFailure: (await import('../../../functions/watcher/notify-build-failure')).handler,
    notifyBuildSuccess: (await import('../../../functions/watcher/notify-build-success')).handler,
  };
  const sfnServer = await startStepFunctionsEmulator({
    port: 0,
    region: REGION,
    accountId: ACCOUNT,
    handlers,
    waitForTaskTokenTimeoutMs: options.waitForTaskTokenTimeoutMs ?? 3000,
    retryIntervalMs: 10,
  });
  process.env.AWS_ENDPOINT_URL_SFN = sfnServer.url;
  onStateChange = (await import('../../../functions/watcher/on-image-state-change')).handler;
  const stateMachineArn = sfnServer.emulator.registerStateMachine({
    name: `cloudboot-${STAGE}-build-watcher`,
    definitionFile: resolve(__dirname, '../../../statemachines/build-watcher.asl.yml'),
  });
  return {
    imagebuilderEmulator,
    sfnServer,
    stateMachineArn,
    imagebuilder: new ImagebuilderClient({ region: REGION }),
    handlers,
    close: async () => {
      await imagebuilderEmulator.close();
      await sfnServer.close();
    },
  };
};

/** Per test, after resetAws(): the SNS topic, the distribution configuration and the pipeline. */
export const createPipeline = async (stack: WatcherStack): Promise<void> => {
  stack.imagebuilderEmulator.reset();
  await new SNSClient({ region: REGION }).send(new CreateTopicCommand({ Name: `cloudboot-${STAGE}-builds` }));
  const { distributionConfigurationArn } = await stack.imagebuilder.send(
    new CreateDistributionConfigurationCommand({
      name: `cloudboot-${STAGE}-distribution`,
      distributions: [
        {
          region: REGION,
          amiDistributionConfiguration: {
            name: `cloudboot-${STAGE} {{ imagebuilder:buildDate }}`,
            amiTags: { 'cloudboot:pipeline': `cloudboot-${STAGE}`, 'cloudboot:stage': STAGE },
          },
        },
      ],
      clientToken: `distribution-${Date.now()}`,
    }),
  );
  await stack.imagebuilder.send(
    new CreateImagePipelineCommand({
      name: `cloudboot-${STAGE}-pipeline`,
      imageRecipeArn: RECIPE_ARN,
      infrastructureConfigurationArn: `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:infrastructure-configuration/cloudboot-${STAGE}`,
      distributionConfigurationArn,
      clientToken: `pipeline-${Date.now()}`,
    }),
  );
};

/** What the nightly trigger does: start the pipeline, then the watcher with a deterministic name; waits for the end. */
export const runNightlyBuild = async (
  stack: WatcherStack,
): Promise<{ imageBuildVersionArn: string; execution: ExecutionRecord; output: Record<string, unknown> }> => {
  const started = await stack.imagebuilder.send(
    new StartImagePipelineExecutionCommand({
      imagePipelineArn: PIPELINE_ARN,
      clientToken: `night-${Date.now()}`,
    }),
  );
  const imageBuildVersionArn = started.imageBuildVersionArn ?? '';
  const { executionArn } = await new SFNClient({ region: REGION }).send(
    new StartExecutionCommand({
      stateMachineArn: stack.stateMachineArn,
      name: `night-${imageBuildVersionArn.split('/').slice(-2).join('-').replace(/\./g, '_')}-${Date.now()}`,
      input: JSON.stringify({ imageBuildVersionArn, startedAt: new Date().toISOString() }),
    }),
  );
  const execution = await stack.sfnServer.emulator.describeExecution(executionArn ?? '').done;
  const output = execution.output ? (JSON.parse(execution.output) as Record<string, unknown>) : {};
  return { imageBuildVersionArn, execution, output };
};

/** Sets the outcome of the next build through the emulator's control route. */
export const nextBuild = async (stack: WatcherStack, instruction: Record<string, string>): Promise<void> => {
  const response = await fetch(`${stack.imagebuilderEmulator.url}/_emulator/next-build`, {
    method: 'POST',
    body: JSON.stringify(instruction),
  });
  if (!response.ok) throw new Error(`next-build: HTTP ${response.status} ${await response.text()}`);
};
