/**
 * The build watcher state machine, executed for real (aws-local-stepfunctions behind the Step Functions emulator),
 * every Task bound to the real handler, against moto and the Image Builder emulator.
 */
import { DescribeImagesCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { statesVisited } from '../../../emulators/stepfunctions';
import { resetAws, snsMessages } from '../../support/moto';
import {
  createPipeline,
  nextBuild,
  PARAMETER,
  REGION,
  runNightlyBuild,
  startWatcherStack,
  TOPIC_ARN,
  type WatcherStack,
  watcherEnvironment,
} from './stack';

const ssm = new SSMClient({ region: REGION });
const ec2 = new EC2Client({ region: REGION });
let stack: WatcherStack;

beforeAll(async () => {
  watcherEnvironment();
  stack = await startWatcherStack();
});
afterAll(async () => {
  await stack.close();
});
beforeEach(async () => {
  await resetAws();
  await createPipeline(stack);
});

const today = () => new Date().toISOString().slice(0, 10);

/** Yesterday's image, already published: failures must leave it in place. */
const seedPublishedImage = async (): Promise<string> => {
  const { ImageId } = await ec2.send(
    new RegisterImageCommand({ Name: 'yesterday', RootDeviceName: '/dev/xvda' }),
  );
  await ssm.send(
    new PutParameterCommand({ Name: PARAMETER, Value: ImageId, Type: 'String', DataType: 'aws:ec2:image' }),
  );
  return ImageId ?? '';
};

const expectParameterUntouched = async (amiId: string) => {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: PARAMETER }));
  expect(Parameter).toMatchObject({ Value: amiId, Version: 1 });
};

test('happy path: publishes the AMI with a date label, tags it, prunes nothing needed, sends no notice', async () => {
  // Act
  const { execution, output, imageBuildVersionArn } = await runNightlyBuild(stack);

  // Assess
  expect(execution.status).toBe('SUCCEEDED');
  const visited = statesVisited(execution.events);
  expect(visited.slice(0, 3)).toEqual(['CheckBuild', 'IsBuildFinished', 'WaitForPhaseChange']);
  expect(visited.slice(-7)).toEqual([
    'CheckBuild',
    'IsBuildFinished',
    'PublishImage',
    'PruneImages',
    'IsPruneComplete',
    'NotifySuccess',
    'Published',
  ]);
  expect(visited).not.toContain('NotifyFailure');
  expect(visited.length).toBeLessThanOrEqual(40);

  const watch = output.watch as { amiId: string; timings: { phase: string; seconds?: number }[] };
  // PENDING may be over before the first check; every later phase is observed, in order.
  expect(watch.timings.map((timing) => timing.phase).filter((phase) => phase !== 'PENDING')).toEqual([
    'BUILDING',
    'TESTING',
    'DISTRIBUTING',
    'AVAILABLE',
  ]);
  expect(watch.timings.find((timing) => timing.phase === 'TESTING')?.seconds).toEqual(expect.any(Number));

  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: PARAMETER }));
  expect(Parameter).toMatchObject({ Value: watch.amiId, Version: 1, DataType: 'aws:ec2:image' });
  const byLabel = await ssm.send(new GetParameterCommand({ Name: `${PARAMETER}:build-${today()}` }));
  expect(byLabel.Parameter?.Value).toBe(watch.amiId);
  const history = await ssm.send(new GetParameterHistoryCommand({ Name: PARAMETER }));
  expect(history.Parameters?.[0]?.Labels).toEqual([`build-${today()}`]);
  expect(output.publication).toMatchObject({
    parameterVersion: 1,
    label: `build-${today()}`,
    amiId: watch.amiId,
  });

  const { Images } = await ec2.send(new DescribeImagesCommand({ ImageIds: [watch.amiId] }));
  const tags = Object.fromEntries((Images?.[0]?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
  expect(tags).toMatchObject({
    'cloudboot:pipeline': 'cloudboot-test',
    Ec2ImageBuilderArn: imageBuildVersionArn,
  });
  expect(new Date(tags['cloudboot:published-at'] ?? '').getTime()).not.toBeNaN();

  expect(output.prune).toMatchObject({ dryRun: false, deleted: [], failed: [] });
  expect(await snsMessages()).toEqual([]);
});

test.each([
  ['FAILED', 'BUILDING', 'Step InstallTools failed: exit status 1'],
  ['FAILED', 'TESTING', 'Step RunTests failed: 2 tests failed'],
  ['CANCELLED', 'BUILDING', 'Cancelled by an operator'],
])(
  '%s at %s: one notice naming stage, outcome and phase; parameter untouched; nothing pruned',
  async (outcome, phase, reason) => {
    // Arrange
    const yesterday = await seedPublishedImage();
    await nextBuild(stack, { outcome, phase, reason });

    // Act
    const { execution, imageBuildVersionArn } = await runNightlyBuild(stack);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('BuildNotPublished');
    const visited = statesVisited(execution.events);
    expect(visited.slice(-3)).toEqual(['IsBuildFinished', 'NotifyFailure', 'BuildNotPublished']);
    expect(visited).not.toContain('PublishImage');
    expect(visited).not.toContain('PruneImages');

    const messages = await snsMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.topicArn).toBe(TOPIC_ARN);
    expect(messages[0]?.subject).toBe(`[cloudboot test] Nightly image build ${outcome} at ${phase}`);
    expect(messages[0]?.message).toContain(`Reason: ${reason}`);
    expect(messages[0]?.message).toContain(`Image: ${imageBuildVersionArn}`);
    expect(messages[0]?.message).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fimagebuilder$252Fcloudboot-test-recipe',
    );
    expect(messages[0]?.message).toContain('Consecutive failed nights: 1');

    await expectParameterUntouched(yesterday);
    const { Images } = await ec2.send(new DescribeImagesCommand({ ImageIds: [yesterday] }));
    expect(Images).toHaveLength(1);
  },
);

test('SSM throttles the parameter write beyond the SDK retries: the workflow retries and publishes once', async () => {
  // Arrange: a fault-injection middleware on the publish handler's own SSM client, inside the SDK's retry loop, so
  // the SDK's standard retry sees real ThrottlingExceptions; moto cannot throttle.
  const { ssm: handlerSsm } = await import('#commons/clients/ssm');
  let throttled = 0;
  const middlewareName = 'injectThrottling';
  handlerSsm.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Name?: string };
      if (context.commandName === 'PutParameterCommand' && input.Name === PARAMETER && throttled < 5) {
        throttled += 1;
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'deserialize', name: middlewareName },
  );

  try {
    // Act
    const { execution, output } = await runNightlyBuild(stack);

    // Assess: 5 SDK attempts failed → ParameterThrottledError → one state-level retry → published.
    expect(throttled).toBe(5);
    expect(execution.status).toBe('SUCCEEDED');
    const retries = execution.events.filter((event) => event.type === 'StateRetried');
    expect(retries.map((event) => ('state' in event ? event.state.name : ''))).toEqual(['PublishImage']);
    const failures = execution.events.filter((event) => event.type === 'StateFailed');
    expect(failures.map((event) => ('Error' in event ? event.Error : ''))).toEqual([
      'ParameterThrottledError',
    ]);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: PARAMETER }));
    expect(Parameter).toMatchObject({ Value: (output.watch as { amiId: string }).amiId, Version: 1 });
    expect(await snsMessages()).toEqual([]);
  } finally {
    handlerSsm.middlewareStack.remove(middlewareName);
  }
});
