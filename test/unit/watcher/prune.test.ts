import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DeleteImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { pruneImages } from '../../../functions/watcher/prune';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const imagebuilderMock = mockClient(ImagebuilderClient);
const NOW = new Date('2026-12-10T03:00:00Z');
const settings = {
  stage: 'dev',
  amiParameterName: '/cloudboot/dev/ami/current',
  retainNewest: 1,
  retainDays: 2,
};
const deps = () => ({
  ec2: new EC2Client({}),
  ssm: new SSMClient({}),
  imagebuilder: new ImagebuilderClient({}),
  now: () => NOW,
});

const image = (id: string, day: number) => ({
  ImageId: id,
  Name: id,
  CreationDate: `2026-12-0${day}T03:00:00.000Z`,
  BlockDeviceMappings: [{ Ebs: { SnapshotId: `snap-${id}` } }],
  Tags: [{ Key: 'Ec2ImageBuilderArn', Value: `arn:image/${id}` }],
});

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
  imagebuilderMock.reset();
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2Mock.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [] });
  ssmMock
    .on(GetParameterHistoryCommand)
    .resolves({ Parameters: [{ Version: 1, Value: 'ami-5', Labels: ['build-2026-12-05'] }] });
});

test('reads every page of candidates and of in-use lists before deciding', async () => {
  ec2Mock
    .on(DescribeImagesCommand, { NextToken: undefined })
    .resolves({ Images: [image('ami-1', 1)], NextToken: 't2' })
    .on(DescribeImagesCommand, { NextToken: 't2' })
    .resolves({ Images: [image('ami-5', 5)] });
  ec2Mock
    .on(DescribeInstancesCommand, { NextToken: undefined })
    .resolves({ Reservations: [], NextToken: 'i2' })
    .on(DescribeInstancesCommand, { NextToken: 'i2' })
    .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-stopped', ImageId: 'ami-1' }] }] });

  const report = await pruneImages(deps(), settings, { dryRun: true });

  expect(report.kept.find((kept) => kept.amiId === 'ami-1')?.reasons).toEqual([
    'used by instance(s) i-stopped',
  ]);
  expect(report.deleted).toEqual([]);
  expect(ec2Mock).toHaveReceivedCommandTimes(DescribeImagesCommand, 2);
  expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
  expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
});

test('a launch template using resolve:ssm on our parameter keeps the version it names', async () => {
  ec2Mock
    .on(DescribeImagesCommand)
    .resolves({ Images: [image('ami-1', 1), image('ami-2', 2), image('ami-5', 5)] });
  ssmMock.on(GetParameterHistoryCommand).resolves({
    Parameters: [
      { Version: 1, Value: 'ami-1', Labels: ['build-2026-12-01'] },
      { Version: 2, Value: 'ami-5' },
    ],
  });
  ec2Mock.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-1' }] });
  ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({
    LaunchTemplateVersions: [
      {
        VersionNumber: 4,
        LaunchTemplateData: { ImageId: 'resolve:ssm:/cloudboot/dev/ami/current:build-2026-12-01' },
      },
    ],
  });

  const report = await pruneImages(deps(), settings, { dryRun: true });

  expect(report.kept.find((kept) => kept.amiId === 'ami-1')?.reasons[0]).toMatch(/launch template lt-1 v4/);
  expect(report.deleted.map((deleted) => deleted.amiId)).toEqual(['ami-2']);
});

test('a failed snapshot deletion is reported and the other AMIs are still deleted', async () => {
  ec2Mock
    .on(DescribeImagesCommand)
    .resolves({ Images: [image('ami-1', 1), image('ami-2', 2), image('ami-5', 5)] });
  ec2Mock.on(DeregisterImageCommand).resolves({});
  ec2Mock.on(DeleteSnapshotCommand).resolves({});
  ec2Mock
    .on(DeleteSnapshotCommand, { SnapshotId: 'snap-ami-1' })
    .rejects(Object.assign(new Error('busy'), { name: 'InvalidSnapshot.InUse' }));
  imagebuilderMock
    .on(DeleteImageCommand)
    .rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));

  const report = await pruneImages(deps(), settings, { dryRun: false });

  expect(report.deleted).toEqual(
    expect.arrayContaining([
      { amiId: 'ami-2', name: 'ami-2', snapshots: ['snap-ami-2'] },
      { amiId: 'ami-1', name: 'ami-1', snapshots: [] },
    ]),
  );
  expect(report.failed).toEqual([
    {
      amiId: 'ami-1',
      step: 'delete-snapshot',
      snapshotId: 'snap-ami-1',
      error: 'InvalidSnapshot.InUse: busy',
    },
  ]);
  expect(ec2Mock).toHaveReceivedCommandTimes(DeregisterImageCommand, 2);
});

test('if what is in use cannot be read, nothing is deleted and PruneError is thrown', async () => {
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [image('ami-1', 1)] });
  ec2Mock
    .on(DescribeInstancesCommand)
    .rejects(Object.assign(new Error('slow down'), { name: 'RequestLimitExceeded' }));

  await expect(pruneImages(deps(), settings, { dryRun: false })).rejects.toMatchObject({
    name: 'PruneError',
  });
  expect(ec2Mock).not.toHaveReceivedCommand(DeregisterImageCommand);
});
