/**
 * The nightly trigger against moto, the Image Builder emulator and the Step Functions emulator, over HTTP:
 * exactly one build per night, none while a build is running.
 */
import {
  CreateDistributionConfigurationCommand,
  CreateImagePipelineCommand,
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
} from '@aws-sdk/client-imagebuilder';
import type { Context } from 'aws-lambda';
import { type ImageBuilderEmulator, startImageBuilderEmulator } from '../../../emulators/imagebuilder';
import {
  type StepFunctionsEmulatorServer,
  startStepFunctionsEmulator,
} from '../../../emulators/stepfunctions';
import scheduledEvent from '../../fixtures/builds/scheduled-event.json';
import { motoEndpoint, resetAws } from '../../support/moto';

type Handler = (
  event: unknown,
  context: Context,
) => Promise<{ outcome: string; imageBuildVersionArn: string }>;

let imagebuilderEmulator: ImageBuilderEmulator;
let stepFunctions: StepFunctionsEmulatorServer;
let handler: Handler;
let pipelineArn: string;
const context = { functionName: 'startNightlyBuild', awsRequestId: 'it' } as Context;

beforeAll(async () => {
  await resetAws();
  imagebuilderEmulator = await startImageBuilderEmulator({
    ec2Endpoint: motoEndpoint(),
    phaseDurations: { PENDING: 50, BUILDING: 300, TESTING: 50, DISTRIBUTING: 50 },
    logger: { warn: () => undefined },
  });
  stepFunctions = await startStepFunctionsEmulator({ handlers: {} });
  // The trigger's subject is starting builds; the watcher it starts is a stand-in here (covered by its own tests).
  const stateMachineArn = stepFunctions.emulator.registerStateMachine({
    name: 'cloudboot-test-build-watcher',
    definition: { StartAt: 'Watched', States: { Watched: { Type: 'Succeed' } } },
  });
  const client = new ImagebuilderClient({ endpoint: imagebuilderEmulator.url });
  const { distributionConfigurationArn } = await client.send(
    new CreateDistributionConfigurationCommand({
      name: 'cloudboot-test-distribution',
      clientToken: 'd',
      distributions: [
        {
          region: 'eu-west-1',
          amiDistributionConfiguration: { name: 'cloudboot-test-{{ imagebuilder:buildDate }}' },
        },
      ],
    }),
  );
  ({ imagePipelineArn: pipelineArn = '' } = await client.send(
    new CreateImagePipelineCommand({
      name: 'cloudboot-test',
      clientToken: 'p',
      imageRecipeArn: 'arn:aws:imagebuilder:eu-west-1:123456789012:image-recipe/cloudboot-test-recipe/1.0.0',
      infrastructureConfigurationArn:
        'arn:aws:imagebuilder:eu-west-1:123456789012:infrastructure-configuration/x',
      distributionConfigurationArn,
    }),
  ));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_IMAGEBUILDER: imagebuilderEmulator.url,
    AWS_ENDPOINT_URL_SFN: stepFunctions.url,
    IMAGE_PIPELINE_ARN: pipelineArn,
    WATCHER_STATE_MACHINE_ARN: stateMachineArn,
  });
  // The handler reads its settings and endpoints when it loads, as in Lambda.
  ({ handler } = (await import('../../../functions/builds/trigger')) as unknown as { handler: Handler });
});

afterAll(async () => {
  await imagebuilderEmulator?.close();
  await stepFunctions?.close();
});

const pipelineImages = async () => {
  const client = new ImagebuilderClient({ endpoint: imagebuilderEmulator.url });
  const { imageSummaryList = [] } = await client.send(
    new ListImagePipelineImagesCommand({ imagePipelineArn: pipelineArn }),
  );
  return imageSummaryList;
};

describe('startNightlyBuild against the emulators', () => {
  it('starts exactly one build when the same night is delivered twice, and one watcher for it', async () => {
    // Act: EventBridge delivers the 03:00 event twice (at-least-once)
    const first = await handler(scheduledEvent, context);
    const second = await handler({ ...scheduledEvent, id: 'redelivery' }, context);

    // Assess
    expect(first.outcome).toBe('STARTED');
    expect(second.imageBuildVersionArn).toBe(first.imageBuildVersionArn);
    expect(await pipelineImages()).toHaveLength(1);
    const executions = [...stepFunctions.emulator.executions.values()];
    expect(executions.map((execution) => execution.name)).toEqual(['cloudboot-test-recipe-1_0_0-1']);
    await imagebuilderEmulator.waitForImage(first.imageBuildVersionArn);
  });

  it('starts nothing while a build is still running', async () => {
    // Prepare: the next night's build is running
    const running = await handler({ ...scheduledEvent, time: '2026-12-05T03:00:00Z' }, context);
    expect(running.outcome).toBe('STARTED');

    // Act: a manual start arrives while it runs
    const result = await handler(
      { source: 'cloudboot.manual', clientToken: 'manual-while-running' },
      context,
    );

    // Assess
    expect(result).toMatchObject({
      outcome: 'ALREADY_RUNNING',
      imageBuildVersionArn: running.imageBuildVersionArn,
    });
    expect(await pipelineImages()).toHaveLength(2);
    await imagebuilderEmulator.waitForImage(running.imageBuildVersionArn);
  });
});
