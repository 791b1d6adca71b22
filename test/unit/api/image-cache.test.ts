/** The published-image cache: one SSM lookup per TTL per container, injectable clock. */
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createImageReader } from '#commons/images/published-image';
import { createEnvironment } from '../../../functions/environments/create-environment';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const AMI = 'ami-0123456789abcdef0';

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  ssmMock
    .on(GetParameterCommand)
    .resolves({ Parameter: { Value: AMI, Version: 3, LastModifiedDate: new Date() } });
  ssmMock
    .on(GetParameterHistoryCommand)
    .resolves({ Parameters: [{ Version: 3, Labels: ['build-2030-01-03'] }] });
});

it('makes no SSM call for a second create within the TTL, and one after it', async () => {
  // Arrange
  let clock = Date.parse('2030-01-03T10:00:00Z');
  const images = createImageReader({
    ssm: new SSMClient({}),
    parameterName: '/p',
    ttlSeconds: 60,
    now: () => clock,
  });
  const launched = {
    InstanceId: 'i-0123456789abcdef0',
    LaunchTime: new Date(clock - 5000),
    State: { Name: 'pending' as const },
  };
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2Mock.on(RunInstancesCommand).resolves({ Instances: [launched] });
  const deps = {
    ec2: new EC2Client({}),
    images,
    stage: 'test',
    region: 'eu-west-1',
    launchTemplateId: 'lt-1',
    allowedInstanceTypes: ['t3.medium'],
    quota: 5,
    imageStaleAfterDays: 2,
    now: () => clock,
    sleep: async () => {},
  };
  // Act
  await createEnvironment(deps, { owner: 'alice' });
  clock += 59_000;
  await createEnvironment(deps, { owner: 'alice' });
  const callsWithinTtl = ssmMock.commandCalls(GetParameterCommand).length;
  clock += 2_000;
  await createEnvironment(deps, { owner: 'alice' });
  // Assert
  expect(callsWithinTtl).toBe(1);
  expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 2);
});

it('does not cache a failed lookup', async () => {
  ssmMock
    .on(GetParameterCommand)
    .rejectsOnce(Object.assign(new Error('x'), { name: 'ParameterNotFound' }))
    .resolves({ Parameter: { Value: AMI, Version: 3, LastModifiedDate: new Date() } });
  const images = createImageReader({ ssm: new SSMClient({}), parameterName: '/p', ttlSeconds: 60 });
  await expect(images.current()).rejects.toMatchObject({ name: 'NoImagePublishedError' });
  await expect(images.current()).resolves.toMatchObject({ amiId: AMI, label: '2030-01-03' });
});
