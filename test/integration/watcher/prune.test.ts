/**
 * Pruning inside the real workflow, over a seeded account. moto stamps CreationDate itself, so "old" AMIs are made
 * old by real time: they are registered, then RETAIN_DAYS (here 8 seconds) passes before the rest is seeded.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RegisterImageCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { statesVisited } from '../../../emulators/stepfunctions';
import { resetAws, snsMessages } from '../../support/moto';
import {
  createPipeline,
  PARAMETER,
  REGION,
  runNightlyBuild,
  startWatcherStack,
  type WatcherStack,
  watcherEnvironment,
} from './stack';

const RETAIN_SECONDS = 8;
const ec2 = new EC2Client({ region: REGION });
const ssm = new SSMClient({ region: REGION });
let stack: WatcherStack;

beforeAll(async () => {
  watcherEnvironment({ RETAIN_NEWEST: '1', RETAIN_DAYS: String(RETAIN_SECONDS / 86_400) });
  stack = await startWatcherStack();
});
afterAll(async () => {
  await stack.close();
});
beforeEach(async () => {
  await resetAws();
  await createPipeline(stack);
});

const PIPELINE_TAG = { Key: 'cloudboot:pipeline', Value: 'cloudboot-test' };

/** An AMI of this pipeline, its snapshot tagged like Image Builder tags it. */
const seedAmi = async (name: string): Promise<{ amiId: string; snapshotId: string }> => {
  const { ImageId } = await ec2.send(new RegisterImageCommand({ Name: name, RootDeviceName: '/dev/xvda' }));
  const amiId = ImageId ?? '';
  const { Images } = await ec2.send(new DescribeImagesCommand({ ImageIds: [amiId] }));
  const snapshotId = Images?.[0]?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId ?? '';
  const tags = [
    PIPELINE_TAG,
    {
      Key: 'Ec2ImageBuilderArn',
      Value: `arn:aws:imagebuilder:${REGION}:123456789012:image/cloudboot-test-recipe/0.9.0/${name}`,
    },
  ];
  await ec2.send(new CreateTagsCommand({ Resources: [amiId, snapshotId], Tags: tags }));
  return { amiId, snapshotId };
};

const remainingAmis = async (): Promise<string[]> => {
  const { Images } = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: 'tag:cloudboot:pipeline', Values: ['cloudboot-test'] }],
    }),
  );
  return (Images ?? []).map((image) => image.ImageId ?? '').sort();
};

/** moto preloads ~1,167 public snapshots: only ours, by tag. */
const remainingSnapshots = async (): Promise<string[]> => {
  const { Snapshots } = await ec2.send(
    new DescribeSnapshotsCommand({
      OwnerIds: ['self'],
      Filters: [{ Name: 'tag:cloudboot:pipeline', Values: ['cloudboot-test'] }],
    }),
  );
  return (Snapshots ?? []).map((snapshot) => snapshot.SnapshotId ?? '').sort();
};

test('seeded account: current, pinned, recent, stopped-instance and launch-template AMIs survive; the rest go with their snapshots', async () => {
  // Arrange: old AMIs first...
  const pinned = await seedAmi('pinned');
  const usedByStopped = await seedAmi('used-by-stopped');
  const inTemplate = await seedAmi('in-launch-template');
  const unused1 = await seedAmi('unused-1');
  const unused2 = await seedAmi('unused-2');
  const lastNight = await seedAmi('last-night');
  await ssm.send(
    new PutParameterCommand({
      Name: PARAMETER,
      Value: pinned.amiId,
      Type: 'String',
      DataType: 'aws:ec2:image',
    }),
  );
  await ssm.send(
    new LabelParameterVersionCommand({ Name: PARAMETER, ParameterVersion: 1, Labels: ['pinned-release-42'] }),
  );
  // ...a date label is the watcher's own and pins nothing.
  await ssm.send(
    new PutParameterCommand({
      Name: PARAMETER,
      Value: lastNight.amiId,
      Type: 'String',
      DataType: 'aws:ec2:image',
      Overwrite: true,
    }),
  );
  await ssm.send(
    new LabelParameterVersionCommand({ Name: PARAMETER, ParameterVersion: 2, Labels: ['build-2026-01-01'] }),
  );
  const { Instances } = await ec2.send(
    new RunInstancesCommand({ ImageId: usedByStopped.amiId, MinCount: 1, MaxCount: 1 }),
  );
  await ec2.send(new StopInstancesCommand({ InstanceIds: [Instances?.[0]?.InstanceId ?? ''] }));
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'someone-else',
      LaunchTemplateData: { ImageId: inTemplate.amiId },
    }),
  );
  await sleep((RETAIN_SECONDS + 2) * 1000);
  // ...then a recent one.
  const recent = await seedAmi('recent');

  // Act
  const { execution, output } = await runNightlyBuild(stack);

  // Assess
  expect(execution.status).toBe('SUCCEEDED');
  expect(statesVisited(execution.events).slice(-4)).toEqual([
    'PruneImages',
    'IsPruneComplete',
    'NotifySuccess',
    'Published',
  ]);
  const current = (output.watch as { amiId: string }).amiId;
  const survivors = [current, pinned.amiId, recent.amiId, usedByStopped.amiId, inTemplate.amiId];
  expect(await remainingAmis()).toEqual([...survivors].sort());
  const gone = [unused1, unused2, lastNight];
  const snapshots = await remainingSnapshots();
  for (const { snapshotId } of gone) expect(snapshots).not.toContain(snapshotId);
  for (const { snapshotId } of [pinned, recent, usedByStopped, inTemplate])
    expect(snapshots).toContain(snapshotId);

  const report = output.prune as {
    kept: { amiId: string; reasons: string[] }[];
    deleted: { amiId: string; snapshots: string[] }[];
    failed: unknown[];
  };
  const reasons = Object.fromEntries(report.kept.map((kept) => [kept.amiId, kept.reasons.join(' | ')]));
  expect(reasons[current]).toMatch(/current value of \/cloudboot\/test\/ami\/current/);
  expect(reasons[pinned.amiId]).toMatch(/pinned by label pinned-release-42/);
  expect(reasons[recent.amiId]).toMatch(/younger than/);
  expect(reasons[usedByStopped.amiId]).toMatch(/used by instance/);
  expect(reasons[inTemplate.amiId]).toMatch(/referenced by launch template/);
  expect(report.deleted.map((deleted) => deleted.amiId).sort()).toEqual(gone.map((ami) => ami.amiId).sort());
  expect(report.deleted.find((deleted) => deleted.amiId === unused1.amiId)?.snapshots).toEqual([
    unused1.snapshotId,
  ]);
  expect(report.failed).toEqual([]);
  expect(await snsMessages()).toEqual([]);
}, 60_000);

test('one deletion fails: the others still go, the image stays published, and the team is told', async () => {
  // Arrange: EC2 refuses one DeregisterImage (fault injected into the prune handler's own EC2 client).
  const doomed = await seedAmi('unused-a');
  const refused = await seedAmi('unused-b');
  await sleep((RETAIN_SECONDS + 2) * 1000);
  const { ec2: handlerEc2 } = await import('#commons/clients/ec2');
  const middlewareName = 'refuseOneDeregistration';
  handlerEc2.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ImageId?: string };
      if (context.commandName === 'DeregisterImageCommand' && input.ImageId === refused.amiId) {
        throw Object.assign(new Error('You are not authorized to perform this operation.'), {
          name: 'UnauthorizedOperation',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        });
      }
      return next(args);
    },
    { step: 'deserialize', name: middlewareName },
  );

  try {
    // Act
    const { execution, output } = await runNightlyBuild(stack);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesVisited(execution.events).slice(-4)).toEqual([
      'PruneImages',
      'IsPruneComplete',
      'NotifyPruneIncomplete',
      'Published',
    ]);
    const current = (output.watch as { amiId: string }).amiId;
    expect(await remainingAmis()).toEqual([current, refused.amiId].sort());
    const snapshots = await remainingSnapshots();
    expect(snapshots).toContain(refused.snapshotId);
    expect(snapshots).not.toContain(doomed.snapshotId);
    expect(output.prune).toMatchObject({
      deleted: [{ amiId: doomed.amiId, snapshots: [doomed.snapshotId] }],
      failed: [
        {
          amiId: refused.amiId,
          step: 'deregister-image',
          error: expect.stringContaining('UnauthorizedOperation'),
        },
      ],
    });
    const messages = await snsMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toBe('[cloudboot test] Image published, pruning INCOMPLETE');
    expect(messages[0]?.message).toContain(
      `- ${refused.amiId}: deregister-image failed: UnauthorizedOperation`,
    );
  } finally {
    handlerEc2.middlewareStack.remove(middlewareName);
  }
}, 60_000);
