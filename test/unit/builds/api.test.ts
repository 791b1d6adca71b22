/** The builds API (admin only) with Image Builder, Step Functions, EC2 and SSM mocked. */
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetImageCommand,
  GetImagePipelineCommand,
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  ParameterNotFound,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
// Sets the functions' environment; must load before the handler modules.
import '../../fixtures/builds/builds-api-env';
import { handler as getBuild } from '../../../functions/builds/api/get-build';
import { handler as listBuilds } from '../../../functions/builds/api/list-builds';
import { handler as pruneDryRun } from '../../../functions/builds/api/prune-dry-run';
import { handler as startBuild } from '../../../functions/builds/api/start-build';
import { apiEvent, invoke } from '../../fixtures/api/events';
import { STATE_MACHINE_ARN } from '../../fixtures/builds/builds-api-env';

const imagebuilderMock = mockClient(ImagebuilderClient);
const sfnMock = mockClient(SFNClient);
const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);

const IMAGE_ARN = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/cloudboot-test-recipe/1.0.1/7';
const BUILD_ID = 'cloudboot-test-recipe-1_0_1-7';
const admin = { sub: 'ops', groups: '[cloudboot-admins]' };
const awsCalls = () =>
  imagebuilderMock.calls().length + sfnMock.calls().length + ec2Mock.calls().length + ssmMock.calls().length;

beforeEach(() => {
  for (const mock of [imagebuilderMock, sfnMock, ec2Mock, ssmMock]) mock.reset();
  imagebuilderMock.on(GetImagePipelineCommand).resolves({ imagePipeline: { status: 'ENABLED' } });
  imagebuilderMock.on(ListImagePipelineImagesCommand).resolves({ imageSummaryList: [] });
  imagebuilderMock.on(StartImagePipelineExecutionCommand).resolves({ imageBuildVersionArn: IMAGE_ARN });
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE_ARN}:${BUILD_ID}` });
});

describe('builds API', () => {
  it.each([
    ['POST /builds', () => invoke(startBuild, apiEvent({ method: 'POST', path: '/builds', sub: 'alice' }))],
    ['GET /builds', () => invoke(listBuilds, apiEvent({ path: '/builds', sub: 'alice' }))],
    [
      'GET /builds/{id}',
      () =>
        invoke(
          getBuild,
          apiEvent({ path: `/builds/${BUILD_ID}`, pathParameters: { id: BUILD_ID }, sub: 'alice' }),
        ),
    ],
    [
      'POST /images/prune',
      () =>
        invoke(
          pruneDryRun,
          apiEvent({ method: 'POST', path: '/images/prune', body: { dryRun: true }, sub: 'alice' }),
        ),
    ],
  ])('answers %s from a non-admin with 403 and no AWS call', async (_route, call) => {
    const response = await call();

    expect(response.statusCode).toBe(403);
    expect(response.body).toEqual({ error: { code: 'Forbidden', message: expect.any(String) } });
    expect(awsCalls()).toBe(0);
  });

  it('starts a build and its watcher: 202 with the build id', async () => {
    const response = await invoke(startBuild, apiEvent({ method: 'POST', path: '/builds', ...admin }));

    expect(response.statusCode).toBe(202);
    expect(response.body).toMatchObject({
      build: { id: BUILD_ID, imageBuildVersionArn: IMAGE_ARN, status: 'RUNNING', requestedBy: 'ops' },
    });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { name: BUILD_ID });
  });

  it('answers 409 BuildInProgress with the running build id, starting nothing', async () => {
    imagebuilderMock.on(ListImagePipelineImagesCommand).resolves({
      imageSummaryList: [
        { arn: IMAGE_ARN, state: { status: 'BUILDING' }, dateCreated: '2026-12-04T03:00:00Z' },
      ],
    });

    const response = await invoke(startBuild, apiEvent({ method: 'POST', path: '/builds', ...admin }));

    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({
      error: { code: 'BuildInProgress', message: expect.stringContaining('BUILDING'), buildId: BUILD_ID },
    });
    expect(imagebuilderMock).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
  });

  it('rejects a malformed Idempotency-Key with 400 and no AWS call', async () => {
    const response = await invoke(
      startBuild,
      apiEvent({ method: 'POST', path: '/builds', headers: { 'idempotency-key': 'has spaces!' }, ...admin }),
    );

    expect(response.statusCode).toBe(400);
    expect(awsCalls()).toBe(0);
  });

  it('lists builds newest first with phases from the watcher output, and asks Image Builder about running ones', async () => {
    const older = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:older`;
    const newer = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:newer`;
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: older,
          stateMachineArn: STATE_MACHINE_ARN,
          name: 'older',
          status: 'SUCCEEDED',
          startDate: new Date('2026-12-03T03:00:00Z'),
        },
        {
          executionArn: newer,
          stateMachineArn: STATE_MACHINE_ARN,
          name: 'newer',
          status: 'RUNNING',
          startDate: new Date('2026-12-04T03:00:00Z'),
        },
      ],
    });
    sfnMock.on(DescribeExecutionCommand, { executionArn: older }).resolves({
      executionArn: older,
      name: 'older',
      status: 'SUCCEEDED',
      startDate: new Date('2026-12-03T03:00:00Z'),
      input: JSON.stringify({ imageBuildVersionArn: 'arn:old' }),
      output: JSON.stringify({
        imageBuildVersionArn: 'arn:old',
        watch: {
          status: 'AVAILABLE',
          amiId: 'ami-0old',
          timings: [{ phase: 'BUILDING', startedAt: '2026-12-03T03:00:10Z', seconds: 1500 }],
        },
      }),
    });
    sfnMock.on(DescribeExecutionCommand, { executionArn: newer }).resolves({
      executionArn: newer,
      name: 'newer',
      status: 'RUNNING',
      startDate: new Date('2026-12-04T03:00:00Z'),
      input: JSON.stringify({ imageBuildVersionArn: IMAGE_ARN }),
    });
    imagebuilderMock.on(GetImageCommand).resolves({ image: { state: { status: 'TESTING' } } });

    const response = await invoke(listBuilds, apiEvent({ path: '/builds', ...admin }));

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      builds: [
        { id: 'newer', status: 'RUNNING', phase: 'TESTING', phases: [] },
        {
          id: 'older',
          status: 'SUCCEEDED',
          outcome: 'AVAILABLE',
          amiId: 'ami-0old',
          phases: [{ name: 'BUILDING', durationSeconds: 1500 }],
        },
      ],
    });
  });

  it('answers an unknown build with 404 and a malformed id with 400', async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'nope', $metadata: {} }));

    const missing = await invoke(
      getBuild,
      apiEvent({ path: '/builds/nope', pathParameters: { id: 'nope' }, ...admin }),
    );
    const malformed = await invoke(
      getBuild,
      apiEvent({ path: '/builds/a.b', pathParameters: { id: 'a b/../c' }, ...admin }),
    );

    expect(missing.statusCode).toBe(404);
    expect(malformed.statusCode).toBe(400);
    expect(sfnMock).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
  });

  it('refuses a prune that is not a dry run, without any AWS call', async () => {
    const response = await invoke(
      pruneDryRun,
      apiEvent({ method: 'POST', path: '/images/prune', body: { dryRun: false }, ...admin }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'ValidationError' } });
    expect(awsCalls()).toBe(0);
  });

  it('reports a dry run without deleting anything', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-0aaa', Name: 'n', CreationDate: new Date().toISOString(), BlockDeviceMappings: [] },
      ],
    });
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2Mock.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [] });
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
    ssmMock.on(GetParameterHistoryCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));

    const response = await invoke(
      pruneDryRun,
      apiEvent({ method: 'POST', path: '/images/prune', body: { dryRun: true }, ...admin }),
    );

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ dryRun: true, kept: [{ amiId: 'ami-0aaa' }], deleted: [] });
    const mutations = ec2Mock.calls().filter((call) => !call.args[0].constructor.name.startsWith('Describe'));
    expect(mutations).toEqual([]);
  });
});
