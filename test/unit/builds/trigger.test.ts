import {
  GetImagePipelineCommand,
  ImagebuilderClient,
  type ImageStatus,
  ListImagePipelineImagesCommand,
  ResourceNotFoundException,
  ServiceUnavailableException,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
// Sets the function's environment; must load before the handler module.
import '../../fixtures/builds/trigger-env';
import { handler } from '../../../functions/builds/trigger';
import scheduledEvent from '../../fixtures/builds/scheduled-event.json';
import { PIPELINE_ARN, STATE_MACHINE_ARN } from '../../fixtures/builds/trigger-env';

const IMAGE_ARN = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/cloudboot-test-recipe/1.0.1/3';

const context = { functionName: 'startNightlyBuild', awsRequestId: 'req-1' } as Context;
const imagebuilderMock = mockClient(ImagebuilderClient);
const sfnMock = mockClient(SFNClient);

const image = (arn: string, status: ImageStatus, dateCreated = '2026-12-03T03:00:05.000Z') => ({
  arn,
  state: { status },
  dateCreated,
});

beforeEach(() => {
  imagebuilderMock.reset();
  sfnMock.reset();
  imagebuilderMock
    .on(GetImagePipelineCommand)
    .resolves({ imagePipeline: { arn: PIPELINE_ARN, status: 'ENABLED' } });
  imagebuilderMock.on(ListImagePipelineImagesCommand).resolves({ imageSummaryList: [] });
  imagebuilderMock.on(StartImagePipelineExecutionCommand).resolves({ imageBuildVersionArn: IMAGE_ARN });
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
});

describe('startNightlyBuild', () => {
  it('starts one build with a token derived from the scheduled time, then its watcher', async () => {
    // Act
    const result = await handler(scheduledEvent, context);

    // Assess
    expect(result).toEqual({ outcome: 'STARTED', imageBuildVersionArn: IMAGE_ARN, executionArn: 'arn:exec' });
    expect(imagebuilderMock).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 1);
    const token = imagebuilderMock.commandCalls(StartImagePipelineExecutionCommand)[0]?.args[0].input
      .clientToken;
    expect(token).toMatch(/^n-20261204T0300-[0-9a-f]{8}$/);
    expect(token?.length).toBeLessThanOrEqual(36);
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'cloudboot-test-recipe-1_0_1-3',
      input: JSON.stringify({ imageBuildVersionArn: IMAGE_ARN }),
    });
  });

  it('uses the same client token for a re-delivery of the same scheduled event', async () => {
    await handler(scheduledEvent, context);
    await handler({ ...scheduledEvent, id: 'another-delivery-id' }, context);

    const tokens = imagebuilderMock
      .commandCalls(StartImagePipelineExecutionCommand)
      .map((call) => call.args[0].input.clientToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('uses a different token on another night', async () => {
    await handler(scheduledEvent, context);
    await handler({ ...scheduledEvent, time: '2026-12-05T03:00:00Z' }, context);

    const tokens = imagebuilderMock
      .commandCalls(StartImagePipelineExecutionCommand)
      .map((call) => call.args[0].input.clientToken);
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('starts nothing while a build is running, and re-attaches its watcher', async () => {
    // Prepare: page 1 holds an old finished image, page 2 the running one
    imagebuilderMock
      .on(ListImagePipelineImagesCommand)
      .resolvesOnce({ imageSummaryList: [image('arn:old', 'AVAILABLE')], nextToken: 'page-2' })
      .resolvesOnce({ imageSummaryList: [image(IMAGE_ARN, 'TESTING', '2026-12-04T03:00:02.000Z')] });

    // Act
    const result = await handler(scheduledEvent, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'ALREADY_RUNNING',
      imageBuildVersionArn: IMAGE_ARN,
      status: 'TESTING',
    });
    expect(imagebuilderMock).toHaveReceivedCommandTimes(ListImagePipelineImagesCommand, 2);
    expect(imagebuilderMock).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      name: 'cloudboot-test-recipe-1_0_1-3',
    });
  });

  it('treats an existing watcher execution as success', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const result = await handler(scheduledEvent, context);

    expect(result).toMatchObject({
      outcome: 'STARTED',
      executionArn:
        'arn:aws:states:eu-west-1:123456789012:execution:cloudboot-test-build-watcher:cloudboot-test-recipe-1_0_1-3',
    });
  });

  it('accepts a manual start with an explicit token', async () => {
    await handler({ source: 'cloudboot.manual', clientToken: 'manual-1', requestedBy: 'alice' }, context);

    expect(imagebuilderMock).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: PIPELINE_ARN,
      clientToken: 'manual-1',
    });
  });

  it('rejects an unknown event without calling AWS', async () => {
    await expect(handler({ source: 'aws.s3', foo: 1 }, context)).rejects.toMatchObject({
      name: 'InvalidTriggerEventError',
    });
    expect(imagebuilderMock.calls()).toHaveLength(0);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('surfaces a missing pipeline as PipelineNotFoundError', async () => {
    imagebuilderMock
      .on(GetImagePipelineCommand)
      .rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));

    await expect(handler(scheduledEvent, context)).rejects.toMatchObject({
      name: 'PipelineNotFoundError',
      message: expect.stringContaining(PIPELINE_ARN),
    });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('refuses to start a disabled pipeline', async () => {
    imagebuilderMock.on(GetImagePipelineCommand).resolves({ imagePipeline: { status: 'DISABLED' } });

    await expect(handler(scheduledEvent, context)).rejects.toMatchObject({ name: 'PipelineDisabledError' });
    expect(imagebuilderMock).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
  });

  it('surfaces Image Builder outages as ImageBuilderUnavailableError, after the SDK retries', async () => {
    imagebuilderMock
      .on(StartImagePipelineExecutionCommand)
      .rejects(new ServiceUnavailableException({ message: 'down', $metadata: {} }));

    await expect(handler(scheduledEvent, context)).rejects.toMatchObject({
      name: 'ImageBuilderUnavailableError',
    });
    expect(sfnMock.calls()).toHaveLength(0);
  });
});
