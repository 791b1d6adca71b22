/**
 * The callback path on its own: an Image Builder event reaches the real onImageStateChange handler, which resumes
 * a waiting execution through @aws-sdk/client-sfn over HTTP against the Step Functions emulator.
 */
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { invokeLikeLambda, type LambdaHandler } from '../../../emulators/lambda';
import {
  type StepFunctionsEmulatorServer,
  startStepFunctionsEmulator,
} from '../../../emulators/stepfunctions';
import { storeWatchToken, watchTokenParameterName } from '../../../functions/watcher/watch-tokens';
import event from '../../fixtures/watcher/image-state-change.json';
import { resetAws } from '../../support/moto';

const PREFIX = '/cloudboot/test/watch/';
const ssm = new SSMClient({ region: 'eu-west-1' });
const parameterName = watchTokenParameterName(PREFIX, event.resources[0] ?? '');
let server: StepFunctionsEmulatorServer;
let onImageStateChange: LambdaHandler;

/** A one-state machine whose wait parks its token where awaitBuildChange would. */
const definition = {
  StartAt: 'WaitForPhaseChange',
  States: {
    WaitForPhaseChange: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: { 'Fn::GetAtt': ['parkToken', 'Arn'] },
        Payload: { 'taskToken.$': '$$.Task.Token' },
      },
      End: true,
    },
  },
};

beforeAll(async () => {
  process.env.STAGE = 'test';
  process.env.WATCH_TOKEN_PARAMETER_PREFIX = PREFIX;
  const parkToken = async (input: { taskToken: string }) => {
    await storeWatchToken(ssm, parameterName, input.taskToken);
    return {};
  };
  server = await startStepFunctionsEmulator({
    port: 0,
    region: 'eu-west-1',
    handlers: { parkToken: parkToken as LambdaHandler },
    waitForTaskTokenTimeoutMs: 10_000,
  });
  process.env.AWS_ENDPOINT_URL_SFN = server.url;
  onImageStateChange = (await import('../../../functions/watcher/on-image-state-change')).handler;
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await resetAws();
});

const deliver = (payload: unknown) =>
  invokeLikeLambda(onImageStateChange, payload, { functionName: 'onImageStateChange' });

const waitForParameter = async (): Promise<string> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: parameterName }));
      if (Parameter?.Value) return Parameter.Value;
    } catch {
      // not parked yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the execution never parked its token');
};

test('an event resumes the waiting execution with the new status, and the token is consumed', async () => {
  // Arrange
  const { emulator } = server;
  const stateMachineArn = emulator.registerStateMachine({ name: 'callback', definition });
  const execution = emulator.startExecution({ stateMachineArn, input: '{}' });
  await waitForParameter();

  // Act
  const result = await deliver(event);

  // Assess
  expect(result).toEqual({ outcome: 'resumed' });
  const finished = await execution.done;
  expect(finished.status).toBe('SUCCEEDED');
  expect(JSON.parse(finished.output ?? '{}')).toEqual({
    status: 'TESTING',
    previousStatus: 'BUILDING',
    time: '2026-12-04T03:41:07Z',
    source: 'event',
  });
  await expect(ssm.send(new GetParameterCommand({ Name: parameterName }))).rejects.toMatchObject({
    name: 'ParameterNotFound',
  });
  // A duplicate delivery finds nobody waiting and is ignored.
  expect(await deliver(event)).toEqual({ outcome: 'no-waiting-execution' });
});

test('a stale token (the wait already timed out) is ignored, not an error', async () => {
  // Arrange: a token the emulator issued whose task is over.
  const { emulator } = server;
  const stateMachineArn = emulator.registerStateMachine({ name: 'callback-stale', definition });
  const execution = emulator.startExecution({ stateMachineArn, input: '{}' });
  const token = await waitForParameter();
  emulator.stopExecution(execution.executionArn);
  await execution.done;
  await ssm.send(
    new PutParameterCommand({ Name: parameterName, Value: token, Type: 'String', Overwrite: true }),
  );

  // Act
  const result = await deliver(event);

  // Assess
  expect(result).toEqual({ outcome: 'stale-token' });
  expect(execution.status).toBe('ABORTED');
});

test('an event that is not an Image Builder state change is rejected at the boundary', async () => {
  await expect(deliver({ ...event, source: 'aws.ec2' })).rejects.toMatchObject({ name: 'InvalidEventError' });
});
