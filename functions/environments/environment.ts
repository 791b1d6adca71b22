import type { Instance, Tag } from '@aws-sdk/client-ec2';
import { TAG } from './tags';

/** A developer's dev machine as the API shows it; EC2 (instance + tags) is the only source of truth. */
export interface Environment {
  id: string;
  name: string;
  owner: string;
  state: string;
  instanceId: string;
  instanceType: string;
  amiId: string;
  imageLabel: string | null;
  createdAt: string;
  connect: string;
}

export const tagValue = (tags: Tag[] | undefined, key: string): string | undefined =>
  tags?.find((tag) => tag.Key === key)?.Value;

export const instanceState = (instance: Instance): string => instance.State?.Name ?? 'unknown';

export const toEnvironment = (instance: Instance, region: string): Environment => {
  const id = instance.InstanceId ?? '';
  return {
    id,
    name: tagValue(instance.Tags, TAG.name) ?? '',
    owner: tagValue(instance.Tags, TAG.owner) ?? '',
    state: instanceState(instance),
    instanceId: id,
    instanceType: instance.InstanceType ?? '',
    amiId: instance.ImageId ?? '',
    imageLabel: tagValue(instance.Tags, TAG.imageLabel) || null,
    createdAt: (instance.LaunchTime ?? new Date(0)).toISOString(),
    connect: `aws ssm start-session --target ${id} --region ${region}`,
  };
};

/** Deterministic order every concurrent request agrees on: launch time, then instance id. */
export const byLaunchOrder = (left: Instance, right: Instance): number => {
  const delta = (left.LaunchTime?.getTime() ?? 0) - (right.LaunchTime?.getTime() ?? 0);
  if (delta !== 0) return delta;
  return (left.InstanceId ?? '').localeCompare(right.InstanceId ?? '');
};
