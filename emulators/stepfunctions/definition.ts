/**
 * Loads a state machine definition written for serverless-step-functions (`statemachines/*.asl.yml`) and makes
 * it runnable locally: every `Fn::GetAtt: [<function>, Arn]` becomes that function's Lambda ARN, and each Task
 * state is mapped to the function it calls, so the runner can bind it to the real handler.
 */
import { readFileSync } from 'node:fs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { parse } from 'yaml';

export type TaskIntegration = 'lambda' | 'lambda-invoke' | 'lambda-wait-for-token';

export interface TaskBinding {
  functionName: string;
  integration: TaskIntegration;
}

export interface LoadedDefinition {
  definition: StateMachineDefinition;
  /** State name → the function it calls. */
  tasks: Record<string, TaskBinding>;
}

export class UnsupportedDefinitionError extends Error {
  override name = 'UnsupportedDefinitionError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const functionArn = (region: string, accountId: string, name: string): string =>
  `arn:aws:lambda:${region}:${accountId}:function:${name}`;

/** Replaces `{"Fn::GetAtt": [name, "Arn"]}` (and `{"Ref": name}`) by the function's ARN, everywhere. */
const resolveIntrinsics = (value: Json, region: string, accountId: string): Json => {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, region, accountId));
  if (!isRecord(value)) return value;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt.length === 2 && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string') {
    return functionArn(region, accountId, getAtt[0]);
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, resolveIntrinsics(item, region, accountId)]),
  );
};

const functionNameOf = (arn: unknown): string | undefined =>
  typeof arn === 'string' ? /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arn)?.[1] : undefined;

const bindingOf = (state: Record<string, Json>): TaskBinding | undefined => {
  const resource = state.Resource;
  const direct = functionNameOf(resource);
  if (direct) return { functionName: direct, integration: 'lambda' };
  const parameters = isRecord(state.Parameters) ? state.Parameters : {};
  const viaParameters = functionNameOf(parameters.FunctionName);
  if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' && viaParameters) {
    return { functionName: viaParameters, integration: 'lambda-wait-for-token' };
  }
  if (resource === 'arn:aws:states:::lambda:invoke' && viaParameters) {
    return { functionName: viaParameters, integration: 'lambda-invoke' };
  }
  return undefined;
};

export const prepareDefinition = (
  source: unknown,
  { region, accountId }: { region: string; accountId: string },
): LoadedDefinition => {
  if (!isRecord(source) || !isRecord(source.States)) {
    throw new UnsupportedDefinitionError('A state machine definition needs a States object');
  }
  const resolved = resolveIntrinsics(source, region, accountId) as Record<string, Json> & {
    States: Record<string, Json>;
  };
  const tasks: Record<string, TaskBinding> = {};
  for (const [name, state] of Object.entries(resolved.States)) {
    if (!isRecord(state)) continue;
    if (state.Type === 'Map' || state.Type === 'Parallel') {
      throw new UnsupportedDefinitionError(
        `State ${name}: Map and Parallel states are not bound by this loader`,
      );
    }
    if (state.Type !== 'Task') continue;
    const binding = bindingOf(state);
    if (!binding)
      throw new UnsupportedDefinitionError(
        `State ${name}: resource ${String(state.Resource)} is not a Lambda`,
      );
    tasks[name] = binding;
  }
  return { definition: resolved as unknown as StateMachineDefinition, tasks };
};

export const loadDefinitionFile = (
  path: string,
  options: { region: string; accountId: string },
): LoadedDefinition => prepareDefinition(parse(readFileSync(path, 'utf8')), options);
