/**
 * The environments API against moto_server: the real exported handlers, payload-2.0 events, responses checked
 * against openapi/openapi.yml.
 */
import {
  CreateLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { resetConfigForTests } from '../../../functions/environments/config';
import { handler as createHandler } from '../../../functions/environments/handlers/create';
import { handler as deleteHandler } from '../../../functions/environments/handlers/delete';
import { handler as getHandler } from '../../../functions/environments/handlers/get';
import { handler as listHandler } from '../../../functions/environments/handlers/list';
import { handler as startHandler } from '../../../functions/environments/handlers/start';
import { handler as stopHandler } from '../../../functions/environments/handlers/stop';
import { handler as healthHandler } from '../../../functions/health/health';
import { handler as currentImageHandler } from '../../../functions/images/current';
import {
  apiEvent,
  createEvent,
  idEvent,
  invoke,
  listEvent,
  type ParsedResponse,
} from '../../fixtures/api/events';
import { expectMatchesOpenApi } from '../../fixtures/api/openapi';
import { resetAws } from '../../support/moto';

const PARAMETER = '/cloudboot/test/ami/current';
const ec2 = new EC2Client({});
const ssm = new SSMClient({});

type Env = {
  id: string;
  name: string;
  owner: string;
  state: string;
  amiId: string;
  imageLabel: string | null;
};
const env = (response: ParsedResponse) => response.body as Env;

const arrange = async (): Promise<{ amis: string[] }> => {
  const images = await ec2.send(new DescribeImagesCommand({}));
  const amis = (images.Images ?? [])
    .map((image) => image.ImageId ?? '')
    .filter((id) => id.startsWith('ami-'));
  const [oldAmi, currentAmi] = [amis[0] ?? '', amis[1] ?? ''];
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: 'cloudboot-test-dev', LaunchTemplateData: {} }),
  );
  process.env.LAUNCH_TEMPLATE_ID = template.LaunchTemplate?.LaunchTemplateId ?? '';
  await ssm.send(
    new PutParameterCommand({ Name: PARAMETER, Value: oldAmi, Type: 'String', DataType: 'aws:ec2:image' }),
  );
  await ssm.send(
    new LabelParameterVersionCommand({ Name: PARAMETER, ParameterVersion: 1, Labels: ['build-2030-01-01'] }),
  );
  await ssm.send(
    new PutParameterCommand({
      Name: PARAMETER,
      Value: currentAmi,
      Type: 'String',
      DataType: 'aws:ec2:image',
      Overwrite: true,
    }),
  );
  await ssm.send(
    new LabelParameterVersionCommand({ Name: PARAMETER, ParameterVersion: 2, Labels: ['build-2030-01-02'] }),
  );
  resetConfigForTests();
  return { amis: [oldAmi, currentAmi] };
};

const instancesInEc2 = async (): Promise<Instance[]> => {
  const out = await ec2.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
};
const liveInstances = async () =>
  (await instancesInEc2()).filter(
    (instance) => !['terminated', 'shutting-down'].includes(instance.State?.Name ?? ''),
  );
const stateInEc2 = async (id: string) =>
  (await instancesInEc2()).find((instance) => instance.InstanceId === id)?.State?.Name;

const create = async (sub: string, body?: unknown, headers?: Record<string, string>) => {
  const response = await invoke(createHandler, createEvent(sub, body, headers));
  if (response.statusCode < 300) expectMatchesOpenApi('POST', '/environments', response);
  return response;
};

let amis: string[] = [];

beforeAll(() => {
  Object.assign(process.env, {
    STAGE: 'test',
    AMI_PARAMETER_NAME: PARAMETER,
    ALLOWED_INSTANCE_TYPES: 't3.medium,t3.large',
    ENVIRONMENT_QUOTA: '2',
    IMAGE_STALE_AFTER_DAYS: '36500',
    IMAGE_CACHE_TTL_SECONDS: '0',
    ADMIN_GROUP: 'cloudboot-admins',
    GROUPS_CLAIM: 'cognito:groups',
  });
});

beforeEach(async () => {
  await resetAws();
  ({ amis } = await arrange());
});

describe('environments API against moto', () => {
  it('answers health and the current image as documented', async () => {
    // Act
    const health = await invoke(healthHandler, apiEvent({ path: '/health', sub: null }));
    const image = await invoke(currentImageHandler, apiEvent({ path: '/images/current', sub: 'alice' }));
    // Assert
    expect(health.statusCode).toBe(200);
    expectMatchesOpenApi('GET', '/health', health);
    expect(image.statusCode).toBe(200);
    expectMatchesOpenApi('GET', '/images/current', image);
    expect(image.body).toMatchObject({ amiId: amis[1], version: 2, label: '2030-01-02' });
  });

  it('lets alice and bob create, each seeing and touching only their own', async () => {
    // Arrange
    const alice = await create('alice', { name: 'alice-box', instanceType: 't3.large' });
    const bob = await create('bob', {});
    // Act
    const aliceList = await invoke(listHandler, listEvent('alice'));
    const bobList = await invoke(listHandler, listEvent('bob'));
    const bobOnAlice = await Promise.all([
      invoke(getHandler, idEvent('GET', 'bob', env(alice).id)),
      invoke(stopHandler, idEvent('POST', 'bob', env(alice).id, 'stop')),
      invoke(startHandler, idEvent('POST', 'bob', env(alice).id, 'start')),
      invoke(deleteHandler, idEvent('DELETE', 'bob', env(alice).id)),
    ]);
    // Assert
    expect(alice.statusCode).toBe(201);
    expect(env(alice)).toMatchObject({
      name: 'alice-box',
      owner: 'alice',
      amiId: amis[1],
      imageLabel: '2030-01-02',
    });
    expect(bob.statusCode).toBe(201);
    expect(env(bob).name).toMatch(/^env-[0-9a-f]{4}$/);
    expectMatchesOpenApi('GET', '/environments', aliceList);
    expect((aliceList.body as { environments: Env[] }).environments.map((e) => e.id)).toEqual([
      env(alice).id,
    ]);
    expect((bobList.body as { environments: Env[] }).environments.map((e) => e.id)).toEqual([env(bob).id]);
    for (const response of bobOnAlice) {
      expect(response.statusCode).toBe(404);
      expect(response.body).toEqual({ error: { code: 'NotFound', message: 'No such environment' } });
    }
    expect(await stateInEc2(env(alice).id)).toBe('running');
  });

  it('tags the instance and its volume at creation', async () => {
    // Act
    const created = await create('alice', { name: 'tagged' }, { 'idempotency-key': 'k-1' });
    // Assert
    const [instance] = await instancesInEc2();
    const tags = Object.fromEntries((instance?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
    expect(tags).toMatchObject({
      'cloudboot:stage': 'test',
      'cloudboot:owner': 'alice',
      'cloudboot:name': 'tagged',
      'cloudboot:image-label': '2030-01-02',
      ManagedBy: 'cloudboot',
      Name: 'cloudboot-alice-tagged',
    });
    expect(tags['cloudboot:idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    expect(instance?.InstanceId).toBe(env(created).id);
  });

  it('enforces the quota and unique names', async () => {
    // Arrange
    await create('alice', { name: 'one' });
    // Act
    const duplicate = await create('alice', { name: 'one' });
    await create('alice', { name: 'two' });
    const third = await create('alice', { name: 'three' });
    const bobStillCan = await create('bob', { name: 'one' });
    // Assert
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).toMatchObject({ error: { code: 'NameTaken' } });
    expect(third.statusCode).toBe(409);
    expect(third.body).toMatchObject({ error: { code: 'QuotaExceeded' } });
    expect(bobStillCan.statusCode).toBe(201);
    expect(await liveInstances()).toHaveLength(3);
  });

  it('keeps exactly one instance for 10 concurrent identical requests', async () => {
    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        create('alice', { name: 'same' }, { 'Idempotency-Key': 'laptop-retry-7' }),
      ),
    );
    // Assert
    const ids = new Set(responses.map((response) => env(response).id));
    expect(ids.size).toBe(1);
    expect(responses.every((response) => [200, 201].includes(response.statusCode))).toBe(true);
    const live = await liveInstances();
    expect(live.map((instance) => instance.InstanceId)).toEqual([...ids]);
    // a later replay returns the same environment with 200
    const replay = await create('alice', { name: 'same' }, { 'Idempotency-Key': 'laptop-retry-7' });
    expect(replay.statusCode).toBe(200);
    expect(env(replay).id).toBe([...ids][0]);
  });

  it('keeps the quota when 5 different creates race', async () => {
    // Act
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, n) => create('alice', { name: `race-${n}` })),
    );
    // Assert
    const codes = responses.map((response) => response.statusCode).sort();
    expect(codes).toEqual([201, 201, 409, 409, 409]);
    expect(await liveInstances()).toHaveLength(2);
  });

  it('reflects stop → start → delete in EC2', async () => {
    // Arrange
    const { id } = env(await create('alice', { name: 'cycle' }));
    // Act + Assert
    const stop = await invoke(stopHandler, idEvent('POST', 'alice', id, 'stop'));
    expect(stop.statusCode).toBe(202);
    expectMatchesOpenApi('POST', '/environments/{id}/stop', stop);
    expect(await stateInEc2(id)).toBe('stopped');
    const stopAgain = await invoke(stopHandler, idEvent('POST', 'alice', id, 'stop'));
    expect(stopAgain.statusCode).toBe(202);
    const start = await invoke(startHandler, idEvent('POST', 'alice', id, 'start'));
    expect(start.statusCode).toBe(202);
    expect(await stateInEc2(id)).toBe('running');
    const remove = await invoke(deleteHandler, idEvent('DELETE', 'alice', id));
    expect(remove.statusCode).toBe(202);
    expectMatchesOpenApi('DELETE', '/environments/{id}', remove);
    expect(await stateInEc2(id)).toBe('terminated');
    const startTerminated = await invoke(startHandler, idEvent('POST', 'alice', id, 'start'));
    expect(startTerminated.statusCode).toBe(409);
    expect(startTerminated.body).toMatchObject({ error: { code: 'InvalidState' } });
    const shown = await invoke(getHandler, idEvent('GET', 'alice', id));
    expectMatchesOpenApi('GET', '/environments/{id}', shown);
    expect(env(shown).state).toBe('terminated');
    const listed = await invoke(listHandler, listEvent('alice'));
    expect(listed.body).toEqual({ environments: [] });
  });

  it('launches a pinned image label, and rejects an unknown one', async () => {
    // Act
    const pinned = await create('alice', { name: 'pinned', image: '2030-01-01' });
    const unknown = await create('alice', { name: 'nope', image: '2029-12-31' });
    // Assert
    expect(pinned.statusCode).toBe(201);
    expect(env(pinned)).toMatchObject({ amiId: amis[0], imageLabel: '2030-01-01' });
    const [instance] = await liveInstances();
    expect(instance?.ImageId).toBe(amis[0]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'UnknownImageLabel', field: 'image' } });
  });

  it('lets an admin list everyone, and nobody else', async () => {
    // Arrange
    await create('alice', {});
    await create('bob', {});
    // Act
    const admin = await invoke(
      listHandler,
      listEvent('carol', { all: 'true' }, '[cloudboot-admins developers]'),
    );
    const notAdmin = await invoke(listHandler, listEvent('bob', { all: 'true' }, '[developers]'));
    // Assert
    expect((admin.body as { environments: Env[] }).environments.map((e) => e.owner).sort()).toEqual([
      'alice',
      'bob',
    ]);
    expect(notAdmin.statusCode).toBe(403);
  });

  it('answers NoImagePublished before the first bake', async () => {
    // Arrange
    await resetAws();
    // Act
    const image = await invoke(currentImageHandler, apiEvent({ path: '/images/current', sub: 'alice' }));
    const created = await create('alice', {});
    // Assert
    expect(image.statusCode).toBe(404);
    expectMatchesOpenApi('GET', '/images/current', image);
    expect(created.statusCode).toBe(503);
    expect(created.body).toMatchObject({ error: { code: 'NoImagePublished' } });
  });
});
