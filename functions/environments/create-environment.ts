/**
 * Creating an environment safely when many requests arrive at once, with EC2 tags as the only state:
 *
 * 1. One DescribeInstances of the owner's live instances answers three questions at once: is there already an
 *    instance for this Idempotency-Key (→ return it), is the owner at quota, is the name taken.
 * 2. RunInstances through the launch template, every tag applied at creation (so the instance is never
 *    visible untagged), with a ClientToken derived from owner+key (real EC2 deduplicates on it; moto doesn't).
 * 3. Reconcile: describe the owner's live instances again and let every request compute the same verdict from
 *    the same data. Instances are ordered by (LaunchTime, InstanceId); per idempotency key only the first
 *    counts; walking that order, an instance survives if the owner has fewer than `quota` survivors before it
 *    and none with its name. A request whose own instance does not survive terminates it.
 *
 * LaunchTime has one-second resolution, so two launches in the same second are ordered by id only. Before
 * reconciling we wait until our launch second is over: any instance launched in the same second is then
 * visible to us, and any instance launched later sorts after ours, so two requests can never both keep theirs.
 */
import {
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  ImageLabelNotFoundError,
  type ImageReader,
  NoImagePublishedError,
  type PublishedImage,
} from '#commons/images/published-image';
import { logger } from '#commons/logger';
import { toApiError } from './ec2-errors';
import { byLaunchOrder, type Environment, tagValue, toEnvironment } from './environment';
import { ImageUnavailableError, NameTakenError, QuotaExceededError, UnknownImageLabelError } from './errors';
import { describeOwned } from './instances';
import { generateName } from './names';
import { clientToken, displayName, idempotencyTag, LIVE_STATES, MANAGED_BY, TAG } from './tags';

export interface CreateEnvironmentInput {
  owner: string;
  name?: string;
  instanceType?: string;
  image?: string;
  idempotencyKey?: string;
}

export interface CreateEnvironmentResult {
  environment: Environment;
  /** false when an existing environment was returned for the same Idempotency-Key. */
  created: boolean;
  warnings: string[];
}

export interface CreateEnvironmentDeps {
  ec2: EC2Client;
  images: ImageReader;
  stage: string;
  region: string;
  launchTemplateId: string;
  allowedInstanceTypes: string[];
  quota: number;
  imageStaleAfterDays: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DAY_MS = 86_400_000;
/** Margin after our launch second before reconciling (clock skew between us and EC2). */
const SETTLE_MARGIN_MS = 250;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const readImage = async (images: ImageReader, label: string | undefined): Promise<PublishedImage> => {
  try {
    return label === undefined ? await images.current() : await images.byLabel(label);
  } catch (error) {
    if (error instanceof NoImagePublishedError) throw new ImageUnavailableError(503, { cause: error });
    if (error instanceof ImageLabelNotFoundError)
      throw new UnknownImageLabelError(error.label, { cause: error });
    throw error;
  }
};

const staleWarnings = (image: PublishedImage, maxAgeDays: number, now: number): string[] => {
  const ageMs = now - Date.parse(image.publishedAt);
  if (!(ageMs > maxAgeDays * DAY_MS)) return [];
  const days = Math.floor(ageMs / DAY_MS);
  return [
    `The current image (${image.label ?? image.amiId}) was published ${days} day(s) ago, more than ` +
      `${maxAgeDays}: the nightly bake may be failing. Your environment runs an older toolchain.`,
  ];
};

/** Per idempotency key, only the earliest instance counts (the others are being terminated by their requests). */
const collapseIdempotent = (instances: Instance[]): Instance[] => {
  const seen = new Set<string>();
  return [...instances].sort(byLaunchOrder).filter((instance) => {
    const key = tagValue(instance.Tags, TAG.idempotencyKey);
    if (key === undefined) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

type Verdict = { ok: true } | { ok: false; reason: 'quota' | 'name' };

/** Walks instances in launch order; every observer of the same set reaches the same verdict. */
const verdictFor = (instanceId: string, instances: Instance[], quota: number): Verdict => {
  const survivorNames = new Set<string>();
  let survivors = 0;
  for (const instance of collapseIdempotent(instances)) {
    const name = tagValue(instance.Tags, TAG.name) ?? '';
    const verdict: Verdict =
      survivors >= quota
        ? { ok: false, reason: 'quota' }
        : survivorNames.has(name)
          ? { ok: false, reason: 'name' }
          : { ok: true };
    if (instance.InstanceId === instanceId) return verdict;
    if (verdict.ok) {
      survivors += 1;
      survivorNames.add(name);
    }
  }
  return { ok: false, reason: 'quota' };
};

const firstWithKey = (instances: Instance[], keyTag: string): Instance | undefined =>
  instances
    .filter((instance) => tagValue(instance.Tags, TAG.idempotencyKey) === keyTag)
    .sort(byLaunchOrder)[0];

export const createEnvironment = async (
  deps: CreateEnvironmentDeps,
  input: CreateEnvironmentInput,
): Promise<CreateEnvironmentResult> => {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const { ec2, stage, quota } = deps;
  const { owner } = input;
  const instanceType = input.instanceType ?? deps.allowedInstanceTypes[0] ?? '';
  const keyTag = input.idempotencyKey === undefined ? undefined : idempotencyTag(owner, input.idempotencyKey);

  // Round 1: the owner's live instances and (usually cached) the image, in parallel.
  const [live, image] = await Promise.all([
    describeOwned(ec2, stage, owner, LIVE_STATES),
    readImage(deps.images, input.image),
  ]);

  if (keyTag !== undefined) {
    const existing = firstWithKey(live, keyTag);
    if (existing) return { environment: toEnvironment(existing, deps.region), created: false, warnings: [] };
  }
  const counted = collapseIdempotent(live);
  if (counted.length >= quota) throw new QuotaExceededError(quota);
  const takenNames = new Set(counted.map((instance) => tagValue(instance.Tags, TAG.name) ?? ''));
  if (input.name !== undefined && takenNames.has(input.name)) throw new NameTakenError(input.name);
  const name = input.name ?? generateName(takenNames);

  // Round 2: launch, tagged at creation.
  const tags = [
    { Key: TAG.stage, Value: stage },
    { Key: TAG.owner, Value: owner },
    { Key: TAG.name, Value: name },
    { Key: TAG.imageLabel, Value: image.label ?? '' },
    ...(keyTag === undefined ? [] : [{ Key: TAG.idempotencyKey, Value: keyTag }]),
    { Key: TAG.managedBy, Value: MANAGED_BY },
    { Key: TAG.displayName, Value: displayName(owner, name) },
  ];
  let mine: Instance;
  try {
    const launched = await ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateId: deps.launchTemplateId, Version: '$Default' },
        ImageId: image.amiId,
        InstanceType: instanceType as never,
        MinCount: 1,
        MaxCount: 1,
        ClientToken:
          input.idempotencyKey === undefined ? undefined : clientToken(owner, input.idempotencyKey),
        TagSpecifications: [
          { ResourceType: 'instance', Tags: tags },
          { ResourceType: 'volume', Tags: tags },
        ],
      }),
    );
    const instance = launched.Instances?.[0];
    if (!instance?.InstanceId) throw new Error('RunInstances returned no instance');
    mine = instance;
  } catch (error) {
    throw toApiError(error, {
      action: 'create',
      instanceType,
      allowedInstanceTypes: deps.allowedInstanceTypes,
    });
  }
  const myId = mine.InstanceId ?? '';

  // Round 3: reconcile with whatever was launched concurrently.
  const launchSecondEnds = Math.floor((mine.LaunchTime?.getTime() ?? now()) / 1000) * 1000 + 1000;
  // Capped: a skewed clock must not stall the request.
  const wait = Math.min(launchSecondEnds + SETTLE_MARGIN_MS - now(), 1000 + SETTLE_MARGIN_MS);
  if (wait > 0) await sleep(wait);
  const after = await describeOwned(ec2, stage, owner, LIVE_STATES);
  if (!after.some((instance) => instance.InstanceId === myId)) after.push(mine); // eventual consistency
  const chosen = (keyTag === undefined ? undefined : firstWithKey(after, keyTag)) ?? mine;
  const verdict = verdictFor(chosen.InstanceId ?? '', after, quota);

  if (chosen.InstanceId !== myId || !verdict.ok) {
    try {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [myId] }));
    } catch (error) {
      logger.error('could not terminate a duplicate instance', { instanceId: myId, error: error as Error });
    }
  }
  if (!verdict.ok) {
    throw verdict.reason === 'quota'
      ? new QuotaExceededError(quota)
      : new NameTakenError(tagValue(chosen.Tags, TAG.name) ?? name);
  }
  const environment = toEnvironment(chosen.InstanceId === myId ? mine : chosen, deps.region);
  if (chosen.InstanceId !== myId) return { environment, created: false, warnings: [] };
  const warnings = input.image === undefined ? staleWarnings(image, deps.imageStaleAfterDays, now()) : [];
  return { environment, created: true, warnings };
};
