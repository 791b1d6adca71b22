/** Every error path of the API routes, with EC2 and SSM mocked (aws-sdk-client-mock). */
import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { resetConfigForTests } from '../../../functions/environments/config';
import { handler as createHandler } from '../../../functions/environments/handlers/create';
import { handler as deleteHandler } from '../../../functions/environments/handlers/delete';
import { handler as getHandler } from '../../../functions/environments/handlers/get';
import { handler as listHandler } from '../../../functions/environments/handlers/list';
import { handler as startHandler } from '../../../functions/environments/handlers/start';
import { handler as stopHandler } from '../../../functions/environments/handlers/stop';
import { handler as healthHandler } from '../../../functions/health/health';
import { handler as currentImageHandler } from '../../../functions/images/current';
import createFixture from '../../fixtures/api/create-environment-event.json';
import { apiEvent, createEvent, idEvent, invoke, listEvent } from '../../fixtures/api/events';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);

const ALICE_ID = 'i-0aaaaaaaaaaaaaaa1';
const AMI = 'ami-0123456789abcdef0';
const awsError = (name: string, message = `${name}: internal detail arn:aws:secret`) =>
  Object.assign(new Error(message), { name, $metadata: {} });

const instance = (
  overrides: Partial<Instance> & { name?: string; owner?: string; key?: string } = {},
): Instance => {
  const { name = 'box', owner = 'alice', key, ...rest } = overrides;
  return {
    InstanceId: ALICE_ID,
    InstanceType: 't3.medium',
    ImageId: AMI,
    LaunchTime: new Date('2024-01-02T08:00:00Z'),
    State: { Name: 'running', Code: 16 },
    Tags: [
      { Key: 'cloudboot:owner', Value: owner },
      { Key: 'cloudboot:name', Value: name },
      { Key: 'cloudboot:stage', Value: 'test' },
      { Key: 'cloudboot:image-label', Value: '2030-01-02' },
      { Key: 'ManagedBy', Value: 'cloudboot' },
      ...(key ? [{ Key: 'cloudboot:idempotency-key', Value: key }] : []),
    ],
    ...rest,
  };
};
const reservations = (...instances: Instance[]) => ({ Reservations: [{ Instances: instances }] });

const publishImage = (lastModified = new Date()) => {
  ssmMock
    .on(GetParameterCommand)
    .resolves({ Parameter: { Value: AMI, Version: 7, LastModifiedDate: lastModified } });
  ssmMock
    .on(GetParameterHistoryCommand)
    .resolves({ Parameters: [{ Version: 7, Value: AMI, Labels: ['build-2030-01-02', 'keep'] }] });
};

/** A happy create: nothing yet, launch, reconcile sees only ours. */
const launchable = (launched = instance({ State: { Name: 'pending', Code: 0 }, name: 'dev-box' })) => {
  ec2Mock.on(DescribeInstancesCommand).resolvesOnce({ Reservations: [] }).resolves(reservations(launched));
  ec2Mock.on(RunInstancesCommand).resolves({ Instances: [launched] });
};

const noAwsCall = () => {
  expect(ec2Mock.calls()).toHaveLength(0);
  expect(ssmMock.calls()).toHaveLength(0);
};

beforeAll(() => {
  Object.assign(process.env, {
    STAGE: 'test',
    AMI_PARAMETER_NAME: '/cloudboot/test/ami/current',
    LAUNCH_TEMPLATE_ID: 'lt-0123456789abcdef0',
    ALLOWED_INSTANCE_TYPES: 't3.medium,t3.large,m6i.large',
    ENVIRONMENT_QUOTA: '2',
    IMAGE_STALE_AFTER_DAYS: '2',
    IMAGE_CACHE_TTL_SECONDS: '0',
    ADMIN_GROUP: 'cloudboot-admins',
    GROUPS_CLAIM: 'cognito:groups',
  });
  resetConfigForTests();
});

beforeEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
});

describe('bad input: 4xx, never 5xx, and no AWS call', () => {
  const big = 'x'.repeat(9 * 1024);
  const cases: [string, () => Promise<{ statusCode: number; body: unknown }>, number, string, string?][] = [
    [
      'create: unknown field',
      () => invoke(createHandler, createEvent('alice', { owner: 'bob' })),
      400,
      'ValidationError',
      'owner',
    ],
    [
      'create: name too short',
      () => invoke(createHandler, createEvent('alice', { name: 'ab' })),
      400,
      'ValidationError',
      'name',
    ],
    [
      'create: name too long',
      () => invoke(createHandler, createEvent('alice', { name: `a${'b'.repeat(32)}` })),
      400,
      'ValidationError',
      'name',
    ],
    [
      'create: name uppercase',
      () => invoke(createHandler, createEvent('alice', { name: 'MyBox' })),
      400,
      'ValidationError',
      'name',
    ],
    [
      'create: name ends with hyphen',
      () => invoke(createHandler, createEvent('alice', { name: 'box-' })),
      400,
      'ValidationError',
      'name',
    ],
    [
      'create: name starts with digit',
      () => invoke(createHandler, createEvent('alice', { name: '1box' })),
      400,
      'ValidationError',
      'name',
    ],
    [
      'create: name not a string',
      () => invoke(createHandler, createEvent('alice', { name: 42 })),
      400,
      'ValidationError',
      'name',
    ],
    [
      'create: instanceType off the list',
      () => invoke(createHandler, createEvent('alice', { instanceType: 'p5.48xlarge' })),
      400,
      'ValidationError',
      'instanceType',
    ],
    [
      'create: instanceType not a string',
      () => invoke(createHandler, createEvent('alice', { instanceType: ['t3.medium'] })),
      400,
      'ValidationError',
      'instanceType',
    ],
    [
      'create: image not a date',
      () => invoke(createHandler, createEvent('alice', { image: 'latest' })),
      400,
      'ValidationError',
      'image',
    ],
    [
      'create: image not a real date',
      () => invoke(createHandler, createEvent('alice', { image: '2030-02-30' })),
      400,
      'ValidationError',
      'image',
    ],
    [
      'create: body is an array',
      () => invoke(createHandler, createEvent('alice', [])),
      400,
      'ValidationError',
      'body',
    ],
    [
      'create: body is a string',
      () => invoke(createHandler, createEvent('alice', 'name')),
      400,
      'ValidationError',
      'body',
    ],
    [
      'create: body is null',
      () => invoke(createHandler, createEvent('alice', null)),
      400,
      'ValidationError',
      'body',
    ],
    [
      'create: Idempotency-Key too long',
      () => invoke(createHandler, createEvent('alice', {}, { 'idempotency-key': 'k'.repeat(129) })),
      400,
      'ValidationError',
      'Idempotency-Key',
    ],
    [
      'create: Idempotency-Key not printable',
      () => invoke(createHandler, createEvent('alice', {}, { 'Idempotency-Key': 'k\u0001' })),
      400,
      'ValidationError',
      'Idempotency-Key',
    ],
    [
      'create: malformed JSON',
      () =>
        invoke(
          createHandler,
          apiEvent({
            method: 'POST',
            sub: 'alice',
            rawBody: '{"name":',
            headers: { 'content-type': 'application/json' },
          }),
        ),
      400,
      'MalformedJson',
    ],
    [
      'create: malformed base64 JSON',
      () =>
        invoke(
          createHandler,
          apiEvent({
            method: 'POST',
            sub: 'alice',
            rawBody: Buffer.from('{nope').toString('base64'),
            isBase64Encoded: true,
            headers: { 'content-type': 'application/json' },
          }),
        ),
      400,
      'MalformedJson',
    ],
    [
      'create: text/plain body',
      () =>
        invoke(
          createHandler,
          apiEvent({
            method: 'POST',
            sub: 'alice',
            rawBody: '{}',
            headers: { 'content-type': 'text/plain' },
          }),
        ),
      415,
      'UnsupportedMediaType',
    ],
    [
      'create: body without content type',
      () => invoke(createHandler, apiEvent({ method: 'POST', sub: 'alice', rawBody: '{}' })),
      415,
      'UnsupportedMediaType',
    ],
    [
      'create: body over 8 KiB',
      () => invoke(createHandler, createEvent('alice', { name: big })),
      413,
      'PayloadTooLarge',
    ],
    ['create: no sub', () => invoke(createHandler, createEvent('', {})), 401, 'Unauthorized'],
    [
      'list: all=yes',
      () => invoke(listHandler, listEvent('alice', { all: 'yes' })),
      400,
      'ValidationError',
      'all',
    ],
    [
      'list: unknown query parameter',
      () => invoke(listHandler, listEvent('alice', { owner: 'bob' })),
      400,
      'ValidationError',
      'owner',
    ],
    [
      'list: all=true by a non-admin',
      () => invoke(listHandler, listEvent('alice', { all: 'true' }, '[developers]')),
      403,
      'Forbidden',
    ],
    ['list: no sub', () => invoke(listHandler, apiEvent({ sub: null })), 401, 'Unauthorized'],
    [
      'images: no sub',
      () => invoke(currentImageHandler, apiEvent({ path: '/images/current', sub: null })),
      401,
      'Unauthorized',
    ],
  ];
  const badIds = [
    'i-123',
    'I-0123456789abcdef0',
    'i-0123456789abcdef',
    'i-0123456789abcdefg',
    'i-0123456789abcdef01',
    '../i-01234567',
    'ami-01234567',
  ];
  for (const [route, method, action, handler] of [
    ['get', 'GET', undefined, getHandler],
    ['stop', 'POST', 'stop', stopHandler],
    ['start', 'POST', 'start', startHandler],
    ['delete', 'DELETE', undefined, deleteHandler],
  ] as const) {
    for (const id of badIds) {
      cases.push([
        `${route}: id ${id}`,
        () => invoke(handler, idEvent(method, 'alice', id, action)),
        400,
        'ValidationError',
        'id',
      ]);
    }
    cases.push([
      `${route}: missing id`,
      () => invoke(handler, apiEvent({ method, sub: 'alice', pathParameters: {} })),
      400,
      'ValidationError',
      'id',
    ]);
    cases.push([
      `${route}: no sub`,
      () => invoke(handler, idEvent(method, '', ALICE_ID, action)),
      401,
      'Unauthorized',
    ]);
  }

  // Every row has five entries: jest would otherwise pass `done` as the missing fifth argument.
  const rows = cases.map(
    ([name, act, status, code, field]) =>
      [`${name} → ${status} ${code}`, act, status, code, field ?? null] as const,
  );
  it.each(rows)('%s', async (_case, act, status, code, field) => {
    // Act
    const response = await act();
    // Assert
    expect(response.statusCode).toBe(status);
    expect(response.body).toMatchObject({ error: { code, ...(field ? { field } : {}) } });
    noAwsCall();
  });

  it('lists the allowed types when instanceType is refused', async () => {
    const response = await invoke(createHandler, createEvent('alice', { instanceType: 'p5.48xlarge' }));
    expect((response.body as { error: { message: string } }).error.message).toContain(
      't3.medium, t3.large, m6i.large',
    );
  });
});

describe('POST /environments', () => {
  it('creates from the current image with tags at creation, through the launch template', async () => {
    // Arrange
    publishImage();
    launchable();
    // Act
    const response = await invoke(
      createHandler,
      createEvent('alice', { name: 'dev-box' }, { 'Idempotency-Key': 'abc' }),
    );
    // Assert
    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({
      id: ALICE_ID,
      name: 'dev-box',
      owner: 'alice',
      imageLabel: '2030-01-02',
    });
    expect(response.body).not.toHaveProperty('warnings');
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    const run = ec2Mock.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(run).toMatchObject({
      LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0', Version: '$Default' },
      ImageId: AMI,
      InstanceType: 't3.medium',
      MinCount: 1,
      MaxCount: 1,
    });
    expect(run?.ClientToken).toMatch(/^[0-9a-f]{64}$/);
    expect(run?.TagSpecifications?.map((spec) => spec.ResourceType)).toEqual(['instance', 'volume']);
    expect(run?.TagSpecifications?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'cloudboot:owner', Value: 'alice' },
        { Key: 'cloudboot:image-label', Value: '2030-01-02' },
        { Key: 'ManagedBy', Value: 'cloudboot' },
        { Key: 'cloudboot:idempotency-key', Value: expect.stringMatching(/^[0-9a-f]{32}$/) },
      ]),
    );
    expect(ec2Mock).not.toHaveReceivedCommand(TerminateInstancesCommand);
  });

  it('accepts a base64-encoded body (the JSON fixture, re-encoded)', async () => {
    // Arrange
    publishImage();
    launchable(instance({ name: 'laptop-2', State: { Name: 'pending' } }));
    const event = structuredClone(createFixture) as unknown as Parameters<typeof invoke>[1];
    event.body = Buffer.from(event.body ?? '').toString('base64');
    event.isBase64Encoded = true;
    // Act
    const response = await invoke(createHandler, event);
    // Assert
    expect(response.statusCode).toBe(201);
    expect(ec2Mock).toHaveReceivedCommandWith(RunInstancesCommand, { InstanceType: 't3.medium' });
  });

  it('never takes the owner from the body or headers', async () => {
    publishImage();
    launchable();
    const response = await invoke(createHandler, createEvent('alice', {}, { 'x-owner': 'bob' }));
    expect(response.statusCode).toBe(201);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: expect.arrayContaining([{ Name: 'tag:cloudboot:owner', Values: ['alice'] }]),
    });
  });

  it('warns when the current image is older than IMAGE_STALE_AFTER_DAYS', async () => {
    publishImage(new Date(Date.now() - 5 * 86_400_000));
    launchable();
    const response = await invoke(createHandler, createEvent('alice', {}));
    expect(response.statusCode).toBe(201);
    expect((response.body as { warnings: string[] }).warnings[0]).toMatch(/published 5 day\(s\) ago/);
  });

  it('answers 503 NoImagePublished when the parameter does not exist', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ssmMock.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    const response = await invoke(createHandler, createEvent('alice', {}));
    expect(response.statusCode).toBe(503);
    expect(response.body).toMatchObject({ error: { code: 'NoImagePublished' } });
    expect(ec2Mock).not.toHaveReceivedCommand(RunInstancesCommand);
  });

  it('answers 400 UnknownImageLabel for a pinned date nobody published', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ssmMock.on(GetParameterCommand).rejects(awsError('ParameterVersionLabelNotFound'));
    const response = await invoke(createHandler, createEvent('alice', { image: '2029-12-31' }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'UnknownImageLabel', field: 'image' } });
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/cloudboot/test/ami/current:build-2029-12-31',
    });
  });

  it('answers 409 QuotaExceeded without launching', async () => {
    publishImage();
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(
        reservations(instance({ name: 'a' }), instance({ name: 'b', InstanceId: 'i-0aaaaaaaaaaaaaaa2' })),
      );
    const response = await invoke(createHandler, createEvent('alice', {}));
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'QuotaExceeded' } });
    expect(ec2Mock).not.toHaveReceivedCommand(RunInstancesCommand);
  });

  it('answers 409 NameTaken without launching', async () => {
    publishImage();
    ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance({ name: 'dev-box' })));
    const response = await invoke(createHandler, createEvent('alice', { name: 'dev-box' }));
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'NameTaken' } });
    expect(ec2Mock).not.toHaveReceivedCommand(RunInstancesCommand);
  });

  it('returns the existing environment with 200 for a replayed Idempotency-Key, without launching', async () => {
    publishImage();
    const { idempotencyTag } = await import('../../../functions/environments/tags');
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(reservations(instance({ key: idempotencyTag('alice', 'abc') })));
    const response = await invoke(createHandler, createEvent('alice', {}, { 'idempotency-key': 'abc' }));
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ id: ALICE_ID });
    expect(ec2Mock).not.toHaveReceivedCommand(RunInstancesCommand);
  });

  it('terminates its own instance and returns the winner when a concurrent twin launched first', async () => {
    // Arrange
    publishImage();
    const { idempotencyTag } = await import('../../../functions/environments/tags');
    const key = idempotencyTag('alice', 'abc');
    const winner = instance({
      key,
      InstanceId: 'i-0bbbbbbbbbbbbbbb1',
      LaunchTime: new Date('2024-01-02T07:59:59Z'),
    });
    const mine = instance({ key, InstanceId: 'i-0000000000000000a' });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [] })
      .resolves(reservations(mine, winner));
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [mine] });
    // Act
    const response = await invoke(createHandler, createEvent('alice', {}, { 'idempotency-key': 'abc' }));
    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ id: 'i-0bbbbbbbbbbbbbbb1' });
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, {
      InstanceIds: ['i-0000000000000000a'],
    });
  });

  it('terminates its own instance and answers 409 when a concurrent create took the last slot', async () => {
    publishImage();
    const older = [
      instance({
        name: 'a',
        InstanceId: 'i-0aaaaaaaaaaaaaaa2',
        LaunchTime: new Date('2024-01-01T00:00:00Z'),
      }),
      instance({
        name: 'b',
        InstanceId: 'i-0aaaaaaaaaaaaaaa3',
        LaunchTime: new Date('2024-01-01T00:00:01Z'),
      }),
    ];
    const mine = instance({ name: 'cee', InstanceId: 'i-0aaaaaaaaaaaaaaa4' });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(reservations(older[0] as Instance))
      .resolves(reservations(...older, mine));
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [mine] });
    const response = await invoke(createHandler, createEvent('alice', { name: 'cee' }));
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'QuotaExceeded' } });
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, {
      InstanceIds: ['i-0aaaaaaaaaaaaaaa4'],
    });
  });

  it('answers 503 InsufficientCapacity suggesting another allowed type', async () => {
    publishImage();
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2Mock.on(RunInstancesCommand).rejects(awsError('InsufficientInstanceCapacity'));
    const response = await invoke(createHandler, createEvent('alice', { instanceType: 't3.large' }));
    expect(response.statusCode).toBe(503);
    const { error } = response.body as { error: { code: string; message: string } };
    expect(error.code).toBe('InsufficientCapacity');
    expect(error.message).toContain('t3.medium, m6i.large');
    expect(error.message).not.toContain('internal detail');
  });

  it('answers 503 InstanceLimitExceeded for an account vCPU limit', async () => {
    publishImage();
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2Mock.on(RunInstancesCommand).rejects(awsError('VcpuLimitExceeded'));
    const response = await invoke(createHandler, createEvent('alice', {}));
    expect(response.statusCode).toBe(503);
    expect(response.body).toMatchObject({ error: { code: 'InstanceLimitExceeded' } });
  });

  it('answers 503 Throttled with Retry-After when throttling outlasts the SDK retries', async () => {
    publishImage();
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2Mock.on(RunInstancesCommand).rejects(awsError('RequestLimitExceeded'));
    const response = await invoke(createHandler, createEvent('alice', {}));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toMatchObject({ error: { code: 'Throttled' } });
  });

  it('hides unexpected errors behind a generic 500', async () => {
    publishImage();
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError('UnauthorizedOperation'));
    const response = await invoke(createHandler, createEvent('alice', {}));
    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({
      error: { code: 'InternalError', message: 'Something went wrong on our side; please retry later' },
    });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('GET /environments', () => {
  it.each([
    ['bracketed string', '[developers cloudboot-admins]'],
    ['JSON array string', '["developers","cloudboot-admins"]'],
    ['comma list', 'developers,cloudboot-admins'],
  ])('lets an admin (%s claim) list everyone in the stage', async (_format, groups) => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(reservations(instance(), instance({ owner: 'bob', InstanceId: 'i-0bbbbbbbbbbbbbbb1' })));
    const response = await invoke(listHandler, listEvent('carol', { all: 'true' }, groups));
    expect(response.statusCode).toBe(200);
    expect((response.body as { environments: unknown[] }).environments).toHaveLength(2);
    const filters = ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters ?? [];
    expect(filters.map((filter) => filter.Name)).not.toContain('tag:cloudboot:owner');
  });

  it('lets an admin with a real array claim list everyone', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const event = apiEvent({
      sub: 'carol',
      query: { all: 'true' },
      claims: { 'cognito:groups': ['cloudboot-admins'] },
    });
    expect((await invoke(listHandler, event)).statusCode).toBe(200);
  });

  it('lists only the caller’s own environments', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance()));
    const response = await invoke(listHandler, listEvent('alice'));
    expect(response.body).toMatchObject({
      environments: [
        {
          id: ALICE_ID,
          owner: 'alice',
          connect: `aws ssm start-session --target ${ALICE_ID} --region eu-west-1`,
        },
      ],
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: expect.arrayContaining([{ Name: 'tag:cloudboot:owner', Values: ['alice'] }]),
    });
  });
});

describe('ownership: another owner’s environment is indistinguishable from a missing one', () => {
  const routes = [
    ['get', (id: string) => invoke(getHandler, idEvent('GET', 'bob', id))],
    ['stop', (id: string) => invoke(stopHandler, idEvent('POST', 'bob', id, 'stop'))],
    ['start', (id: string) => invoke(startHandler, idEvent('POST', 'bob', id, 'start'))],
    ['delete', (id: string) => invoke(deleteHandler, idEvent('DELETE', 'bob', id))],
  ] as const;

  it.each(routes)('%s: same 404 and the same AWS calls', async (_route, act) => {
    // Arrange: EC2 filters by owner tag, so alice's instance comes back empty for bob, like a missing one.
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    // Act
    const others = await act(ALICE_ID);
    const othersCalls = ec2Mock.calls().map((call) => call.args[0].constructor.name);
    const othersInput = JSON.stringify(
      ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input,
    ).replace(ALICE_ID, 'ID');
    ec2Mock.resetHistory();
    const missing = await act('i-0fffffffffffffff0');
    const missingCalls = ec2Mock.calls().map((call) => call.args[0].constructor.name);
    const missingInput = JSON.stringify(
      ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input,
    ).replace('i-0fffffffffffffff0', 'ID');
    // Assert
    expect(others).toEqual(missing);
    expect(others.statusCode).toBe(404);
    expect(othersCalls).toEqual(['DescribeInstancesCommand']);
    expect(missingCalls).toEqual(othersCalls);
    expect(missingInput).toBe(othersInput);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('maps InvalidInstanceID.NotFound (an instance gone between describe and act) to 404', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance()));
    ec2Mock.on(StopInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound'));
    const response = await invoke(stopHandler, idEvent('POST', 'alice', ALICE_ID, 'stop'));
    expect(response.statusCode).toBe(404);
  });
});

describe('stop, start, delete', () => {
  it.each([
    ['stop', 'stopped', stopHandler, 'stop', 'POST'],
    ['stop', 'stopping', stopHandler, 'stop', 'POST'],
    ['start', 'running', startHandler, 'start', 'POST'],
    ['start', 'pending', startHandler, 'start', 'POST'],
    ['delete', 'shutting-down', deleteHandler, undefined, 'DELETE'],
    ['delete', 'terminated', deleteHandler, undefined, 'DELETE'],
  ] as const)(
    '%s on a %s environment → 202, no EC2 action',
    async (_action, state, handler, action, method) => {
      ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance({ State: { Name: state } })));
      const response = await invoke(handler, idEvent(method, 'alice', ALICE_ID, action));
      expect(response.statusCode).toBe(202);
      expect(response.body).toMatchObject({ id: ALICE_ID, state });
      expect(ec2Mock.calls()).toHaveLength(1);
    },
  );

  it.each([
    ['start', 'terminated', startHandler, 'start', 'POST'],
    ['start', 'stopping', startHandler, 'start', 'POST'],
    ['stop', 'pending', stopHandler, 'stop', 'POST'],
    ['stop', 'terminated', stopHandler, 'stop', 'POST'],
  ] as const)(
    '%s on a %s environment → 409 InvalidState',
    async (_action, state, handler, action, method) => {
      ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance({ State: { Name: state } })));
      const response = await invoke(handler, idEvent(method, 'alice', ALICE_ID, action));
      expect(response.statusCode).toBe(409);
      expect(response.body).toMatchObject({ error: { code: 'InvalidState' } });
      expect(ec2Mock.calls()).toHaveLength(1);
    },
  );

  it('stops a running environment → 202 with the new state', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance()));
    ec2Mock
      .on(StopInstancesCommand)
      .resolves({ StoppingInstances: [{ InstanceId: ALICE_ID, CurrentState: { Name: 'stopping' } }] });
    const response = await invoke(stopHandler, idEvent('POST', 'alice', ALICE_ID, 'stop'));
    expect(response.statusCode).toBe(202);
    expect(response.body).toMatchObject({ state: 'stopping' });
    expect(ec2Mock).toHaveReceivedCommandWith(StopInstancesCommand, { InstanceIds: [ALICE_ID] });
  });

  it('answers 503 InsufficientCapacity when a start finds no capacity', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance({ State: { Name: 'stopped' } })));
    ec2Mock.on(StartInstancesCommand).rejects(awsError('InsufficientInstanceCapacity'));
    const response = await invoke(startHandler, idEvent('POST', 'alice', ALICE_ID, 'start'));
    expect(response.statusCode).toBe(503);
    expect(response.body).toMatchObject({ error: { code: 'InsufficientCapacity' } });
  });

  it('maps a racing IncorrectInstanceState to 409 InvalidState', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(reservations(instance()));
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('IncorrectInstanceState'));
    const response = await invoke(deleteHandler, idEvent('DELETE', 'alice', ALICE_ID));
    expect(response.statusCode).toBe(409);
  });
});

describe('GET /images/current and /health', () => {
  it('returns the current image with its date label', async () => {
    publishImage(new Date('2030-01-02T03:00:00Z'));
    const response = await invoke(currentImageHandler, apiEvent({ path: '/images/current', sub: 'alice' }));
    expect(response).toMatchObject({
      statusCode: 200,
      body: { amiId: AMI, version: 7, label: '2030-01-02', publishedAt: '2030-01-02T03:00:00.000Z' },
    });
  });

  it('answers 404 NoImagePublished before the first bake', async () => {
    ssmMock.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    const response = await invoke(currentImageHandler, apiEvent({ path: '/images/current', sub: 'alice' }));
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'NoImagePublished' } });
  });

  it('answers health without identity or AWS', async () => {
    const response = await invoke(healthHandler, apiEvent({ path: '/health', sub: null }));
    expect(response).toMatchObject({ statusCode: 200, body: { status: 'ok' } });
    noAwsCall();
  });
});
