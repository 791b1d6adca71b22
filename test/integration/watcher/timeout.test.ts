/**
 * A build that outlives MAX_WATCH_SECONDS: the watcher notifies TIMED OUT at the phase it was stuck in, and the
 * polling fallback (no event arrives while BUILDING) is what keeps it checking.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { statesVisited } from '../../../emulators/stepfunctions';
import { resetAws, snsMessages } from '../../support/moto';
import {
  createPipeline,
  PARAMETER,
  REGION,
  runNightlyBuild,
  startWatcherStack,
  TEST_PHASES,
  type WatcherStack,
  watcherEnvironment,
} from './stack';

let stack: WatcherStack;

beforeAll(async () => {
  watcherEnvironment({ MAX_WATCH_SECONDS: '2' });
  stack = await startWatcherStack({
    phases: { ...TEST_PHASES, BUILDING: 60_000 },
    waitForTaskTokenTimeoutMs: 700,
  });
});
afterAll(async () => {
  await stack.close();
});
beforeEach(async () => {
  await resetAws();
  await createPipeline(stack);
});

test('timeout: one TIMED OUT notice naming the phase, execution failed, nothing published', async () => {
  // Act
  const { execution, imageBuildVersionArn } = await runNightlyBuild(stack);

  // Assess
  expect(execution.status).toBe('FAILED');
  const visited = statesVisited(execution.events);
  expect(visited.slice(-3)).toEqual(['CheckBuild', 'NotifyFailure', 'BuildNotPublished']);
  // The wait fell back to polling at least once before the deadline.
  const timeouts = execution.events.filter(
    (event) => event.type === 'StateCaught' && event.state.name === 'WaitForPhaseChange',
  );
  expect(timeouts.length).toBeGreaterThanOrEqual(1);
  const failed = execution.events.find(
    (event) => event.type === 'StateFailed' && event.state.name === 'CheckBuild',
  );
  expect(failed && 'Error' in failed ? failed.Error : undefined).toBe('BuildWatchTimeoutError');

  const messages = await snsMessages();
  expect(messages).toHaveLength(1);
  expect(messages[0]?.subject).toBe('[cloudboot test] Nightly image build TIMED OUT at BUILDING');
  expect(messages[0]?.message).toContain('BuildWatchTimeoutError: Build still BUILDING after');
  expect(messages[0]?.message).toContain(`Image: ${imageBuildVersionArn}`);
  await expect(
    new SSMClient({ region: REGION }).send(new GetParameterCommand({ Name: PARAMETER })),
  ).rejects.toMatchObject({
    name: 'ParameterNotFound',
  });
});
