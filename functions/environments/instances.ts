/** The EC2 queries shared by every route. Every query is scoped to this stage and to cloudboot's own tag. */
import { DescribeInstancesCommand, type EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import { MANAGED_BY, TAG } from './tags';

export const scopeFilters = (stage: string, owner?: string): Filter[] => [
  { Name: `tag:${TAG.managedBy}`, Values: [MANAGED_BY] },
  { Name: `tag:${TAG.stage}`, Values: [stage] },
  ...(owner === undefined ? [] : [{ Name: `tag:${TAG.owner}`, Values: [owner] }]),
];

export const describeInstances = async (ec2: EC2Client, filters: Filter[]): Promise<Instance[]> => {
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken: nextToken }));
    for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return instances;
};

/** The owner's instances in the given states. */
export const describeOwned = (ec2: EC2Client, stage: string, owner: string, states: readonly string[]) =>
  describeInstances(ec2, [
    ...scopeFilters(stage, owner),
    { Name: 'instance-state-name', Values: [...states] },
  ]);

/**
 * One instance if, and only if, it belongs to the owner. The id is a filter (not `InstanceIds`), so an unknown
 * id and someone else's id produce the very same single call and the same empty answer: no existence leak.
 */
export const findOwnedInstance = async (
  ec2: EC2Client,
  stage: string,
  owner: string,
  instanceId: string,
): Promise<Instance | undefined> => {
  const found = await describeInstances(ec2, [
    { Name: 'instance-id', Values: [instanceId] },
    ...scopeFilters(stage, owner),
  ]);
  return found.find((instance) => instance.InstanceId === instanceId);
};
