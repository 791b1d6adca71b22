import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  SSMClient,
  UnlabelParameterVersionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { publishImage } from '../../../functions/watcher/publish';

const ssmMock = mockClient(SSMClient);
const ec2Mock = mockClient(EC2Client);
const deps = () => ({
  ssm: new SSMClient({}),
  ec2: new EC2Client({}),
  now: () => new Date('2026-12-04T04:00:00Z'),
});
const input = {
  amiId: 'ami-123',
  buildStartedAt: '2026-12-03T23:50:00Z',
  imageBuildVersionArn: 'arn:image/1',
};
const NAME = '/cloudboot/dev/ami/current';

beforeEach(() => {
  ssmMock.reset();
  ec2Mock.reset();
  ec2Mock.on(CreateTagsCommand).resolves({});
});

test('writes an aws:ec2:image parameter, labels it with the night the build started, tags the AMI', async () => {
  ssmMock.on(PutParameterCommand).resolves({ Version: 7 });
  ssmMock.on(LabelParameterVersionCommand).resolves({ InvalidLabels: [] });

  const publication = await publishImage(deps(), input, NAME);

  expect(publication).toEqual({
    parameterName: NAME,
    parameterVersion: 7,
    label: 'build-2026-12-03',
    amiId: 'ami-123',
    publishedAt: '2026-12-04T04:00:00.000Z',
  });
  expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, {
    Name: NAME,
    Value: 'ami-123',
    DataType: 'aws:ec2:image',
    Overwrite: true,
  });
  expect(ssmMock).toHaveReceivedCommandWith(LabelParameterVersionCommand, {
    ParameterVersion: 7,
    Labels: ['build-2026-12-03'],
  });
  expect(ec2Mock).toHaveReceivedCommandWith(CreateTagsCommand, {
    Resources: ['ami-123'],
    Tags: [{ Key: 'cloudboot:published-at', Value: '2026-12-04T04:00:00.000Z' }],
  });
});

test('throttling that outlasts the SDK retries becomes ParameterThrottledError (retried by the state machine)', async () => {
  ssmMock
    .on(PutParameterCommand)
    .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
  await expect(publishImage(deps(), input, NAME)).rejects.toMatchObject({ name: 'ParameterThrottledError' });
  expect(ec2Mock).not.toHaveReceivedCommand(CreateTagsCommand);
});

test('a rejected label is a PublishError, not a silent success', async () => {
  ssmMock.on(PutParameterCommand).resolves({ Version: 2 });
  ssmMock.on(LabelParameterVersionCommand).resolves({ InvalidLabels: ['build-2026-12-03'] });
  await expect(publishImage(deps(), input, NAME)).rejects.toMatchObject({ name: 'PublishError' });
});

test('at 100 versions, the date labels of the oldest version are released so the write succeeds', async () => {
  ssmMock
    .on(PutParameterCommand)
    .rejectsOnce(Object.assign(new Error('too many'), { name: 'ParameterMaxVersionLimitExceeded' }))
    .resolves({ Version: 101 });
  ssmMock
    .on(GetParameterHistoryCommand)
    .resolves({ Parameters: [{ Version: 1, Labels: ['build-2026-08-01'] }] });
  ssmMock.on(LabelParameterVersionCommand).resolves({});

  const publication = await publishImage(deps(), input, NAME);

  expect(publication.parameterVersion).toBe(101);
  expect(ssmMock).toHaveReceivedCommandWith(UnlabelParameterVersionCommand, {
    ParameterVersion: 1,
    Labels: ['build-2026-08-01'],
  });
});
