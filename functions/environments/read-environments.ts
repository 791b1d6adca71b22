import type { EC2Client } from '@aws-sdk/client-ec2';
import { NotFoundError } from '#commons/http/errors';
import { byLaunchOrder, type Environment, toEnvironment } from './environment';
import { describeInstances, findOwnedInstance, scopeFilters } from './instances';

export interface ReadDeps {
  ec2: EC2Client;
  stage: string;
  region: string;
}

/** Listed states: everything except `terminated` (a deleted environment disappears from the list at once). */
export const LISTED_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] as const;

/** The caller's environments, or (admins only; the caller checks) everyone's in this stage. */
export const listEnvironments = async (
  deps: ReadDeps,
  scope: { owner: string } | { everyone: true },
): Promise<Environment[]> => {
  const owner = 'owner' in scope ? scope.owner : undefined;
  const instances = await describeInstances(deps.ec2, [
    ...scopeFilters(deps.stage, owner),
    { Name: 'instance-state-name', Values: [...LISTED_STATES] },
  ]);
  return instances.sort(byLaunchOrder).map((instance) => toEnvironment(instance, deps.region));
};

/** One environment of the owner (in any state EC2 still reports, terminated included); else NotFound. */
export const getEnvironment = async (deps: ReadDeps, owner: string, id: string): Promise<Environment> => {
  const instance = await findOwnedInstance(deps.ec2, deps.stage, owner, id);
  if (!instance) throw new NotFoundError();
  return toEnvironment(instance, deps.region);
};
