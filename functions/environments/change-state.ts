/**
 * Stop, start and delete: ownership first (one DescribeInstances that is identical for a missing and for someone
 * else's instance), then an explicit outcome: already there (no EC2 call), done, or an invalid transition.
 */
import {
  type InstanceStateChange,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { NotFoundError } from '#commons/http/errors';
import { toApiError } from './ec2-errors';
import { type Environment, instanceState, toEnvironment } from './environment';
import { InvalidStateError } from './errors';
import { findOwnedInstance } from './instances';
import type { ReadDeps } from './read-environments';

export type StateAction = 'stop' | 'start' | 'delete';

interface Transition {
  /** States in which the action is already done or under way: answer 202, call nothing. */
  already: readonly string[];
  /** States from which EC2 accepts the action. */
  from: readonly string[];
  call: (instanceId: string) => StopInstancesCommand | StartInstancesCommand | TerminateInstancesCommand;
}

const TRANSITIONS: Record<StateAction, Transition> = {
  stop: {
    already: ['stopping', 'stopped'],
    from: ['running'],
    call: (id) => new StopInstancesCommand({ InstanceIds: [id] }),
  },
  start: {
    already: ['pending', 'running'],
    from: ['stopped'],
    call: (id) => new StartInstancesCommand({ InstanceIds: [id] }),
  },
  delete: {
    already: ['shutting-down', 'terminated'],
    from: ['pending', 'running', 'stopping', 'stopped'],
    call: (id) => new TerminateInstancesCommand({ InstanceIds: [id] }),
  },
};

export interface StateChangeResult {
  environment: Environment;
  /** false when the environment was already in (or heading to) the asked state. */
  changed: boolean;
}

const newState = (output: {
  StoppingInstances?: InstanceStateChange[];
  StartingInstances?: InstanceStateChange[];
  TerminatingInstances?: InstanceStateChange[];
}) =>
  (output.StoppingInstances ?? output.StartingInstances ?? output.TerminatingInstances)?.[0]?.CurrentState
    ?.Name;

export const changeEnvironmentState = async (
  deps: ReadDeps,
  owner: string,
  id: string,
  action: StateAction,
): Promise<StateChangeResult> => {
  const instance = await findOwnedInstance(deps.ec2, deps.stage, owner, id);
  if (!instance) throw new NotFoundError();
  const state = instanceState(instance);
  const transition = TRANSITIONS[action];
  if (transition.already.includes(state))
    return { environment: toEnvironment(instance, deps.region), changed: false };
  if (!transition.from.includes(state)) throw new InvalidStateError(action, state);
  try {
    // The union of command types does not narrow through `send`; each returns its own *Instances list.
    const output = (await deps.ec2.send(transition.call(id) as StopInstancesCommand)) as Parameters<
      typeof newState
    >[0];
    const environment = toEnvironment(instance, deps.region);
    return { environment: { ...environment, state: newState(output) ?? environment.state }, changed: true };
  } catch (error) {
    throw toApiError(error, { action, state });
  }
};
