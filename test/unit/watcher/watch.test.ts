import { GetImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { awaitBuildChange } from '../../../functions/watcher/await-change';
import {
  imageStateChangeEventSchema,
  onImageStateChange,
} from '../../../functions/watcher/image-state-change';
import { reduceWatch } from '../../../functions/watcher/watch';
import event from '../../fixtures/watcher/image-state-change.json';

const imagebuilderMock = mockClient(ImagebuilderClient);
const ssmMock = mockClient(SSMClient);
const sfnMock = mockClient(SFNClient);
const ARN = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/cloudboot-test-recipe/1.0.0/7';
const settings = { maxWatchSeconds: 4 * 3600, pollFallbackSeconds: 900 };
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 4, 3, minutes));

beforeEach(() => {
  imagebuilderMock.reset();
  ssmMock.reset();
  sfnMock.reset();
});

describe('the watch reducer', () => {
  test('records when each phase was first seen and how long it lasted', () => {
    const first = reduceWatch(
      { imageBuildVersionArn: ARN, startedAt: at(0).toISOString() },
      { status: 'BUILDING' },
      at(1),
      settings,
    );
    const second = reduceWatch(
      { imageBuildVersionArn: ARN, watch: first },
      { status: 'TESTING' },
      at(41),
      settings,
    );
    expect(second.timings).toEqual([
      { phase: 'BUILDING', startedAt: at(1).toISOString(), endedAt: at(41).toISOString(), seconds: 2400 },
      { phase: 'TESTING', startedAt: at(41).toISOString() },
    ]);
    expect(second).toMatchObject({
      status: 'TESTING',
      lastPhase: 'TESTING',
      checks: 2,
      pollAfterSeconds: 900,
    });
  });

  test('a phase only an event saw is still recorded, so a failure names where it stopped', () => {
    const building = reduceWatch({ imageBuildVersionArn: ARN }, { status: 'BUILDING' }, at(0), settings);
    const failed = reduceWatch(
      {
        imageBuildVersionArn: ARN,
        watch: building,
        change: { status: 'FAILED', previousStatus: 'TESTING', time: at(30).toISOString() },
      },
      { status: 'FAILED', reason: 'tests failed' },
      at(31),
      settings,
    );
    expect(failed.lastPhase).toBe('TESTING');
    expect(failed.timings.map((timing) => timing.phase)).toEqual(['BUILDING', 'TESTING', 'FAILED']);
  });

  test('past MAX_WATCH_SECONDS a running build raises BuildWatchTimeoutError; the last wait never overshoots', () => {
    const near = reduceWatch(
      { imageBuildVersionArn: ARN, startedAt: at(0).toISOString() },
      { status: 'BUILDING' },
      new Date(at(0).getTime() + (4 * 3600 - 60) * 1000),
      settings,
    );
    expect(near.pollAfterSeconds).toBe(60);
    expect(() =>
      reduceWatch(
        { imageBuildVersionArn: ARN, watch: near },
        { status: 'BUILDING' },
        new Date(at(0).getTime() + 4 * 3600 * 1000),
        settings,
      ),
    ).toThrow(expect.objectContaining({ name: 'BuildWatchTimeoutError' }));
  });

  test('AVAILABLE without an AMI is an UnexpectedImageStateError', () => {
    expect(() =>
      reduceWatch({ imageBuildVersionArn: ARN }, { status: 'AVAILABLE' }, at(0), settings),
    ).toThrow(expect.objectContaining({ name: 'UnexpectedImageStateError' }));
  });
});

describe('awaitBuildChange', () => {
  const deps = () => ({
    imagebuilder: new ImagebuilderClient({}),
    ssm: new SSMClient({}),
    sfn: new SFNClient({}),
  });
  const input = { taskToken: 'token-1', imageBuildVersionArn: ARN, status: 'BUILDING' };

  test('stores the token when nothing changed, checking again after storing', async () => {
    imagebuilderMock.on(GetImageCommand).resolves({ image: { state: { status: 'BUILDING' } } });
    ssmMock.on(PutParameterCommand).resolves({});
    expect(await awaitBuildChange(deps(), input, '/cloudboot/test/watch/')).toEqual({
      outcome: 'waiting',
      status: 'BUILDING',
    });
    expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/cloudboot/test/watch/cloudboot-test-recipe_1.0.0_7',
      Value: 'token-1',
      Overwrite: true,
    });
    expect(imagebuilderMock).toHaveReceivedCommandTimes(GetImageCommand, 2);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('a change that lands while the token is being stored resumes the execution at once', async () => {
    imagebuilderMock
      .on(GetImageCommand)
      .resolvesOnce({ image: { state: { status: 'BUILDING' } } })
      .resolves({ image: { state: { status: 'TESTING' } } });
    ssmMock.on(PutParameterCommand).resolves({});
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    expect(await awaitBuildChange(deps(), input, '/p/')).toEqual({
      outcome: 'changed-while-registering',
      status: 'TESTING',
    });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-1' });
  });
});

describe('onImageStateChange', () => {
  const deps = () => ({ ssm: new SSMClient({}), sfn: new SFNClient({}) });
  const parsed = imageStateChangeEventSchema.parse({ ...event, resources: [ARN] });

  test('a stale token (task timed out) is consumed and ignored', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'old-token' } });
    ssmMock.on(DeleteParameterCommand).resolves({});
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));
    expect(await onImageStateChange(deps(), parsed, '/p/')).toEqual({ outcome: 'stale-token' });
    expect(ssmMock).toHaveReceivedCommand(DeleteParameterCommand);
  });

  test('no parked token: nothing to resume', async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('missing'), { name: 'ParameterNotFound' }));
    expect(await onImageStateChange(deps(), parsed, '/p/')).toEqual({ outcome: 'no-waiting-execution' });
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('other SendTaskSuccess failures propagate (a failed invocation; the polling fallback covers the wait)', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'token' } });
    ssmMock.on(DeleteParameterCommand).resolves({});
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(onImageStateChange(deps(), parsed, '/p/')).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
