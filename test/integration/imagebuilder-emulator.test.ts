/**
 * The Image Builder emulator, driven over HTTP by the real SDK clients; finished builds land as AMIs in moto.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeImagesCommand, DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CancelImageCreationCommand,
  CreateDistributionConfigurationCommand,
  CreateImagePipelineCommand,
  DeleteImageCommand,
  GetImageCommand,
  GetImagePipelineCommand,
  IdempotentParameterMismatchException,
  ImagebuilderClient,
  InvalidRequestException,
  ListImagePipelineImagesCommand,
  ResourceDependencyException,
  ResourceInUseException,
  ResourceNotFoundException,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import {
  type ImageBuilderEmulator,
  type ImageStateChangeEvent,
  type PhaseDurations,
  startImageBuilderEmulator,
} from '../../emulators/imagebuilder';
import { motoEndpoint, resetAws } from '../support/moto';

const REGION = 'eu-west-1';
const RECIPE_ARN = `arn:aws:imagebuilder:${REGION}:123456789012:image-recipe/cloudboot-dev/1.2.3`;
const INFRASTRUCTURE_ARN = `arn:aws:imagebuilder:${REGION}:123456789012:infrastructure-configuration/cloudboot`;
const FAST: PhaseDurations = {
  PENDING: 20,
  CREATING: 20,
  BUILDING: 20,
  TESTING: 20,
  DISTRIBUTING: 20,
  INTEGRATING: 20,
};

let emulator: ImageBuilderEmulator;
let imagebuilder: ImagebuilderClient;
let events: ImageStateChangeEvent[];
let onStateChange: (event: ImageStateChangeEvent) => void | Promise<void>;
const ec2 = new EC2Client({ region: REGION, endpoint: motoEndpoint() });

const startEmulator = async (phaseDurations: Partial<PhaseDurations> = FAST): Promise<void> => {
  emulator = await startImageBuilderEmulator({
    port: 0,
    region: REGION,
    ec2Endpoint: motoEndpoint(),
    phaseDurations,
    onStateChange: (event) => onStateChange(event),
    logger: { warn: () => undefined },
  });
  imagebuilder = new ImagebuilderClient({ region: REGION, endpoint: emulator.url });
};

const control = (method: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

const createPipeline = async (name = 'cloudboot-test'): Promise<string> => {
  const distribution = await imagebuilder.send(
    new CreateDistributionConfigurationCommand({
      name: `${name}-distribution`,
      distributions: [
        {
          region: REGION,
          amiDistributionConfiguration: {
            name: `${name} {{ imagebuilder:buildDate }}`,
            description: 'cloudboot dev environment',
            amiTags: { 'cloudboot:pipeline': name, 'cloudboot:stage': 'test' },
          },
        },
      ],
    }),
  );
  const pipeline = await imagebuilder.send(
    new CreateImagePipelineCommand({
      name,
      imageRecipeArn: RECIPE_ARN,
      infrastructureConfigurationArn: INFRASTRUCTURE_ARN,
      distributionConfigurationArn: distribution.distributionConfigurationArn,
      status: 'ENABLED',
    }),
  );
  return pipeline.imagePipelineArn as string;
};

const startBuild = async (imagePipelineArn: string, clientToken?: string): Promise<string> => {
  const started = await imagebuilder.send(
    new StartImagePipelineExecutionCommand({ imagePipelineArn, clientToken }),
  );
  return started.imageBuildVersionArn as string;
};

const amisBuiltBy = async (imageBuildVersionArn: string) =>
  (
    await ec2.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'tag:Ec2ImageBuilderArn', Values: [imageBuildVersionArn] }],
      }),
    )
  ).Images ?? [];

const eventually = async (check: () => boolean, timeoutMs = 3000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

beforeEach(async () => {
  await resetAws();
  events = [];
  onStateChange = (event) => {
    events.push(event);
  };
  await startEmulator();
});

afterEach(async () => {
  await emulator.close();
  imagebuilder.destroy();
});

afterAll(() => ec2.destroy());

describe('a build that succeeds', () => {
  it('walks every phase, reports each change and ends AVAILABLE with a tagged AMI and snapshot in EC2', async () => {
    // Prepare
    const pipelineArn = await createPipeline();

    // Act
    const imageArn = await startBuild(pipelineArn);
    const outcome = await emulator.waitForImage(imageArn);

    // Assess
    expect(imageArn).toBe(`arn:aws:imagebuilder:${REGION}:123456789012:image/cloudboot-dev/1.2.3/1`);
    expect(outcome).toEqual({ status: 'AVAILABLE' });
    expect(events.map((event) => [event.detail['previous-state'].status, event.detail.state.status])).toEqual(
      [
        ['PENDING', 'CREATING'],
        ['CREATING', 'BUILDING'],
        ['BUILDING', 'TESTING'],
        ['TESTING', 'DISTRIBUTING'],
        ['DISTRIBUTING', 'INTEGRATING'],
        ['INTEGRATING', 'AVAILABLE'],
      ],
    );
    expect(events[0]).toMatchObject({
      version: '0',
      'detail-type': 'EC2 Image Builder Image State Change',
      source: 'aws.imagebuilder',
      account: '123456789012',
      region: REGION,
      resources: [imageArn],
    });

    const { image } = await imagebuilder.send(new GetImageCommand({ imageBuildVersionArn: imageArn }));
    expect(image).toMatchObject({
      arn: imageArn,
      name: 'cloudboot-dev',
      version: '1.2.3/1',
      type: 'AMI',
      platform: 'Linux',
      state: { status: 'AVAILABLE' },
      sourcePipelineArn: pipelineArn,
      sourcePipelineName: 'cloudboot-test',
      buildType: 'USER_INITIATED',
      imageRecipe: { arn: RECIPE_ARN, name: 'cloudboot-dev', version: '1.2.3' },
    });
    const amiId = image?.outputResources?.amis?.[0]?.image;
    expect(image?.outputResources?.amis?.[0]).toMatchObject({ region: REGION, accountId: '123456789012' });

    const [ami] = await amisBuiltBy(imageArn);
    expect(ami?.ImageId).toBe(amiId);
    expect(ami?.Name).toMatch(/^cloudboot-test \d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect(ami?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'cloudboot:pipeline', Value: 'cloudboot-test' },
        { Key: 'cloudboot:stage', Value: 'test' },
        { Key: 'Ec2ImageBuilderArn', Value: imageArn },
        { Key: 'CreatedBy', Value: 'EC2 Image Builder' },
      ]),
    );
    const snapshotId = ami?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
    const { Snapshots } = await ec2.send(
      new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:Ec2ImageBuilderArn', Values: [imageArn] }] }),
    );
    expect(Snapshots?.map((snapshot) => snapshot.SnapshotId)).toEqual([snapshotId]);
  });

  it('skips phases configured to 0 ms and never reports them', async () => {
    // Prepare
    await emulator.close();
    await startEmulator({ ...FAST, CREATING: 0, INTEGRATING: 0 });
    const pipelineArn = await createPipeline();

    // Act
    const imageArn = await startBuild(pipelineArn);
    await emulator.waitForImage(imageArn);

    // Assess
    expect(events.map((event) => event.detail.state.status)).toEqual([
      'BUILDING',
      'TESTING',
      'DISTRIBUTING',
      'AVAILABLE',
    ]);
  });

  it('keeps building when the onStateChange consumer throws', async () => {
    // Prepare
    onStateChange = () => {
      throw new Error('consumer is broken');
    };
    const pipelineArn = await createPipeline();

    // Act
    const imageArn = await startBuild(pipelineArn);

    // Assess
    await expect(emulator.waitForImage(imageArn)).resolves.toEqual({ status: 'AVAILABLE' });
  });

  it('posts every event to a registered webhook target', async () => {
    // Prepare
    const received: ImageStateChangeEvent[] = [];
    const target: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        received.push(JSON.parse(body) as ImageStateChangeEvent);
        response.end();
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/events`;
    const pipelineArn = await createPipeline();

    try {
      // Act
      const registered = await control('PUT', '/_emulator/event-target', { url: targetUrl });
      const imageArn = await startBuild(pipelineArn);
      await emulator.waitForImage(imageArn);
      await eventually(() => received.length === events.length);

      // Assess
      expect(registered.status).toBe(200);
      expect(received.map((event) => event.detail.state.status)).toEqual(
        events.map((event) => event.detail.state.status),
      );
      expect(received.at(-1)?.resources).toEqual([imageArn]);
    } finally {
      target.closeAllConnections();
      await new Promise((resolve) => target.close(resolve));
    }
  });
});

describe('StartImagePipelineExecution', () => {
  it('starts one image for a repeated client token', async () => {
    // Prepare
    const pipelineArn = await createPipeline();

    // Act
    const first = await startBuild(pipelineArn, 'nightly-2026-12-04');
    const second = await startBuild(pipelineArn, 'nightly-2026-12-04');

    // Assess
    expect(second).toBe(first);
    const listed = await imagebuilder.send(
      new ListImagePipelineImagesCommand({ imagePipelineArn: pipelineArn }),
    );
    expect(listed.imageSummaryList?.map((image) => image.arn)).toEqual([first]);
  });

  it('rejects a client token reused for another pipeline', async () => {
    // Prepare
    const pipelineArn = await createPipeline('cloudboot-a');
    const otherPipelineArn = await createPipeline('cloudboot-b');
    await startBuild(pipelineArn, 'same-token');

    // Act
    const reused = startBuild(otherPipelineArn, 'same-token');

    // Assess
    await expect(reused).rejects.toBeInstanceOf(IdempotentParameterMismatchException);
  });

  it('reports an unknown pipeline or image as ResourceNotFoundException', async () => {
    // Prepare
    const unknown = `arn:aws:imagebuilder:${REGION}:123456789012:image-pipeline/nope`;

    const unknownImage = `arn:aws:imagebuilder:${REGION}:123456789012:image/nope/1.0.0/1`;

    // Act
    const outcomes = await Promise.allSettled([
      startBuild(unknown),
      imagebuilder.send(new GetImagePipelineCommand({ imagePipelineArn: unknown })),
      imagebuilder.send(new GetImageCommand({ imageBuildVersionArn: unknownImage })),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(ResourceNotFoundException) });
    }
  });

  it('refuses to run a DISABLED pipeline', async () => {
    // Prepare
    const { imagePipelineArn } = await imagebuilder.send(
      new CreateImagePipelineCommand({
        name: 'paused',
        imageRecipeArn: RECIPE_ARN,
        infrastructureConfigurationArn: INFRASTRUCTURE_ARN,
        status: 'DISABLED',
      }),
    );

    // Act
    const start = startBuild(imagePipelineArn as string);

    // Assess
    await expect(start).rejects.toBeInstanceOf(InvalidRequestException);
  });
});

describe('builds steered through /_emulator/next-build', () => {
  it('fails at TESTING with the given reason and registers no AMI', async () => {
    // Prepare
    const pipelineArn = await createPipeline();
    const reason = 'Step TestDevTools failed: node --version exited 127';
    const instructed = await control('POST', '/_emulator/next-build', {
      outcome: 'FAILED',
      phase: 'TESTING',
      reason,
    });

    // Act
    const imageArn = await startBuild(pipelineArn);
    const outcome = await emulator.waitForImage(imageArn);

    // Assess
    expect(instructed.status).toBe(200);
    expect(outcome).toEqual({ status: 'FAILED', reason });
    expect(events.at(-1)?.detail).toEqual({
      'previous-state': { status: 'TESTING' },
      state: { status: 'FAILED', reason },
    });
    const { image } = await imagebuilder.send(new GetImageCommand({ imageBuildVersionArn: imageArn }));
    expect(image?.state).toEqual({ status: 'FAILED', reason });
    expect(image?.outputResources).toBeUndefined();
    expect(await amisBuiltBy(imageArn)).toEqual([]);
  });

  it('cancels at BUILDING, and only the next build is affected', async () => {
    // Prepare
    const pipelineArn = await createPipeline();
    await control('POST', '/_emulator/next-build', { outcome: 'CANCELLED', phase: 'BUILDING' });

    // Act
    const cancelled = await startBuild(pipelineArn);
    const cancelledOutcome = await emulator.waitForImage(cancelled);
    const following = await startBuild(pipelineArn);
    const followingOutcome = await emulator.waitForImage(following);

    // Assess
    expect(cancelledOutcome.status).toBe('CANCELLED');
    expect(followingOutcome.status).toBe('AVAILABLE');
    expect(await amisBuiltBy(cancelled)).toEqual([]);
  });
});

describe('CancelImageCreation', () => {
  it('cancels a running build and refuses to cancel a finished one', async () => {
    // Prepare
    await control('PUT', '/_emulator/phase-durations', { BUILDING: 5000 });
    const pipelineArn = await createPipeline();
    const imageArn = await startBuild(pipelineArn);

    // Act
    const cancelled = await imagebuilder.send(
      new CancelImageCreationCommand({ imageBuildVersionArn: imageArn }),
    );
    const again = imagebuilder.send(new CancelImageCreationCommand({ imageBuildVersionArn: imageArn }));

    // Assess
    expect(cancelled.imageBuildVersionArn).toBe(imageArn);
    await expect(emulator.waitForImage(imageArn)).resolves.toMatchObject({ status: 'CANCELLED' });
    await expect(again).rejects.toBeInstanceOf(ResourceInUseException);
    expect(events.at(-1)?.detail.state.status).toBe('CANCELLED');
  });
});

describe('ListImagePipelineImages', () => {
  it('lists newest first, one page at a time', async () => {
    // Prepare
    const pipelineArn = await createPipeline();
    const started = [
      await startBuild(pipelineArn),
      await startBuild(pipelineArn),
      await startBuild(pipelineArn),
    ];

    // Act
    const first = await imagebuilder.send(
      new ListImagePipelineImagesCommand({ imagePipelineArn: pipelineArn, maxResults: 2 }),
    );
    const second = await imagebuilder.send(
      new ListImagePipelineImagesCommand({
        imagePipelineArn: pipelineArn,
        maxResults: 2,
        nextToken: first.nextToken,
      }),
    );

    // Assess
    expect(first.imageSummaryList?.map((image) => image.arn)).toEqual([started[2], started[1]]);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(second.imageSummaryList?.map((image) => image.arn)).toEqual([started[0]]);
    expect(second.nextToken).toBeUndefined();
  });
});

describe('GetImage and DeleteImage', () => {
  it('deletes a finished image and then no longer finds it', async () => {
    // Prepare
    const pipelineArn = await createPipeline();
    const imageArn = await startBuild(pipelineArn);
    await emulator.waitForImage(imageArn);

    // Act
    const deleted = await imagebuilder.send(new DeleteImageCommand({ imageBuildVersionArn: imageArn }));

    // Assess
    expect(deleted.imageBuildVersionArn).toBe(imageArn);
    await expect(
      imagebuilder.send(new GetImageCommand({ imageBuildVersionArn: imageArn })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      imagebuilder.send(new DeleteImageCommand({ imageBuildVersionArn: imageArn })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses to delete an image that is still building', async () => {
    // Prepare
    await control('PUT', '/_emulator/phase-durations', { BUILDING: 5000 });
    const imageArn = await startBuild(await createPipeline());

    // Act
    const deletion = imagebuilder.send(new DeleteImageCommand({ imageBuildVersionArn: imageArn }));

    // Assess
    await expect(deletion).rejects.toBeInstanceOf(ResourceDependencyException);
  });
});

describe('control routes', () => {
  it.each([
    ['POST', '/_emulator/next-build', { outcome: 'EXPLODED', phase: 'TESTING' }],
    ['POST', '/_emulator/next-build', { outcome: 'FAILED', phase: 'PENDING' }],
    ['POST', '/_emulator/next-build', '{not json'],
    ['PUT', '/_emulator/phase-durations', { BUILDING: -1 }],
    ['PUT', '/_emulator/phase-durations', { BUILDING: 1.5 }],
    ['PUT', '/_emulator/phase-durations', { COMPILING: 10 }],
    ['PUT', '/_emulator/event-target', { url: 'not a url' }],
  ])('%s %s rejects %j with 400', async (method, path, body) => {
    // Act
    const response = await control(method, path, body);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'InvalidBody', message: expect.any(String) } });
  });

  it('answers unknown routes with 404 UnknownOperationException', async () => {
    // Act
    const response = await control('GET', '/ListEverything');

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toEqual({ message: expect.stringContaining('/ListEverything') });
  });

  it('shows state and resets it', async () => {
    // Prepare
    const pipelineArn = await createPipeline();
    await control('POST', '/_emulator/next-build', { outcome: 'FAILED', phase: 'BUILDING' });

    // Act
    const before = (await (await control('GET', '/_emulator/state')).json()) as Record<string, unknown[]>;
    const reset = await control('POST', '/_emulator/reset');
    const after = (await (await control('GET', '/_emulator/state')).json()) as Record<string, unknown>;

    // Assess
    expect(before.pipelines).toHaveLength(1);
    expect(reset.status).toBe(200);
    expect(after).toMatchObject({ pipelines: [], images: [], nextBuild: null });
    await expect(
      imagebuilder.send(new GetImagePipelineCommand({ imagePipelineArn: pipelineArn })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
