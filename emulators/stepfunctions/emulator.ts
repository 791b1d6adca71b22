/**
 * An in-process Step Functions: executions of registered state machines run with aws-local-stepfunctions, every
 * Task bound to the real Lambda handler of the function it names (see definition.ts). `.waitForTaskToken` tasks
 * get a unique token and resume on sendTaskSuccess/sendTaskFailure (which the HTTP layer in server.ts exposes to
 * the SDK), or fail with States.Timeout after a local fallback delay.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { invokeLikeLambda, type LambdaHandler } from '../lambda';
import { type LoadedDefinition, loadDefinitionFile, prepareDefinition, type TaskBinding } from './definition';
import {
  executionAlreadyExists,
  executionDoesNotExist,
  invalidToken,
  SfnApiError,
  stateMachineDoesNotExist,
  TaskError,
  taskTimedOut,
  validationError,
} from './errors';

type JsonValue = Parameters<StateMachine['run']>[0];
/** An aws-local-stepfunctions event (StateEntered, StateRetried, ExecutionFailed...); the package does not export it. */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** Every event aws-local-stepfunctions reported, in order. */
  events: EventLog[];
  /** Settles when the execution ends (never rejects). */
  done: Promise<ExecutionRecord>;
}

export interface StepFunctionsEmulatorOptions {
  /** Function name → handler (e.g. `{ checkBuild: handler }`). */
  handlers: Record<string, LambdaHandler>;
  region?: string;
  accountId?: string;
  /**
   * Local stand-in for a `.waitForTaskToken` timeout: a wait with no callback fails with States.Timeout after this
   * long (default 5 s), however long TimeoutSeconds says, so polling fallbacks run at test speed.
   */
  waitForTaskTokenTimeoutMs?: number;
  /** Milliseconds between Retry attempts instead of IntervalSeconds/BackoffRate (default: as the definition says). */
  retryIntervalMs?: number;
  /** Called for every event of every execution (live progress, tests). */
  onEvent?: (event: EventLog, execution: ExecutionRecord) => void;
}

interface RegisteredStateMachine {
  arn: string;
  name: string;
  loaded: LoadedDefinition;
}

interface PendingTask {
  executionArn: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

const TOKEN_PLACEHOLDER = '__cloudboot_local_task_token__';

const replaceToken = (value: unknown, token: string): unknown => {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceToken(item, token)]));
  }
  return value;
};

const payloadOf = (input: unknown): unknown =>
  typeof input === 'object' && input !== null && 'Payload' in input
    ? (input as { Payload: unknown }).Payload
    : {};

/**
 * aws-local-stepfunctions evaluates TimeoutSecondsPath against the state's input AFTER Parameters, where AWS uses
 * the state input itself, and counts real seconds. A `.waitForTaskToken` state's wait is governed locally by
 * waitForTaskTokenTimeoutMs instead, so its TimeoutSeconds(Path) is replaced by a ceiling that never fires first.
 */
const withLocalWaitTimeouts = (loaded: LoadedDefinition): LoadedDefinition => {
  // A JSON copy, not structuredClone: the library recognises payload templates by their prototype, which must be
  // this realm's (jest runs test files in a vm context).
  const definition = JSON.parse(JSON.stringify(loaded.definition)) as StateMachineDefinition;
  for (const [name, binding] of Object.entries(loaded.tasks)) {
    const state = definition.States[name] as
      | { TimeoutSeconds?: number; TimeoutSecondsPath?: string }
      | undefined;
    if (binding.integration !== 'lambda-wait-for-token' || !state) continue;
    delete state.TimeoutSecondsPath;
    state.TimeoutSeconds = 24 * 3600;
  }
  return { ...loaded, definition };
};

/** Normalises JSON text so that idempotent StartExecution compares meaning, not whitespace. */
const canonical = (input: string): string => JSON.stringify(JSON.parse(input));

export class StepFunctionsEmulator {
  readonly region: string;
  readonly accountId: string;
  private readonly stateMachines = new Map<string, RegisteredStateMachine>();
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly pending = new Map<string, PendingTask>();
  private readonly issuedTokens = new Set<string>();
  private readonly aborts = new Map<string, () => void>();

  constructor(private readonly options: StepFunctionsEmulatorOptions) {
    this.region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
  }

  /** Every execution so far, by ARN. */
  get executions(): ReadonlyMap<string, ExecutionRecord> {
    return this.records;
  }

  /** Registers a state machine from an `.asl.yml`/`.asl.json` file or an already parsed definition. */
  registerStateMachine(spec: { name: string; definitionFile?: string; definition?: unknown }): string {
    const context = { region: this.region, accountId: this.accountId };
    const loaded = spec.definitionFile
      ? loadDefinitionFile(spec.definitionFile, context)
      : prepareDefinition(spec.definition, context);
    const missing = Object.values(loaded.tasks).filter((task) => !this.options.handlers[task.functionName]);
    if (missing.length) {
      throw new Error(
        `No handler bound for function(s): ${[...new Set(missing.map((t) => t.functionName))].join(', ')}`,
      );
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${spec.name}`;
    this.stateMachines.set(arn, { arn, name: spec.name, loaded: withLocalWaitTimeouts(loaded) });
    return arn;
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): ExecutionRecord {
    const machine = this.stateMachines.get(request.stateMachineArn);
    if (!machine) throw stateMachineDoesNotExist(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    const input = request.input ?? '{}';
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(input) as JsonValue;
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input');
    }
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
    const existing = this.records.get(executionArn);
    if (existing) {
      // AWS: same name and input while RUNNING is idempotent; anything else is a conflict.
      if (existing.status === 'RUNNING' && canonical(existing.input) === canonical(input)) return existing;
      throw executionAlreadyExists(name);
    }
    return this.launch(machine, executionArn, name, input, parsed);
  }

  /** Runs a definition in-process without registering it (tests that need no HTTP). */
  async run(definition: unknown, input: unknown): Promise<ExecutionRecord> {
    const arn = this.registerStateMachine({ name: `adhoc-${randomUUID()}`, definition });
    return this.startExecution({ stateMachineArn: arn, input: JSON.stringify(input) }).done;
  }

  describeExecution(executionArn: string): ExecutionRecord {
    const record = this.records.get(executionArn);
    if (!record) throw executionDoesNotExist(executionArn);
    return record;
  }

  /** Newest first, optionally filtered, paginated with an opaque numeric token. */
  listExecutions(request: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }) {
    if (!this.stateMachines.has(request.stateMachineArn))
      throw stateMachineDoesNotExist(request.stateMachineArn);
    const all = [...this.records.values()]
      .filter((record) => record.stateMachineArn === request.stateMachineArn)
      .filter((record) => !request.statusFilter || record.status === request.statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const start = request.nextToken ? Number(request.nextToken) : 0;
    if (!Number.isInteger(start) || start < 0)
      throw new SfnApiError('InvalidToken', 'Invalid pagination token');
    const size = request.maxResults && request.maxResults > 0 ? request.maxResults : 100;
    const page = all.slice(start, start + size);
    return { executions: page, nextToken: start + size < all.length ? String(start + size) : undefined };
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Task Output');
    }
    this.takePending(taskToken).resolve(parsed);
  }

  sendTaskFailure(taskToken: string, error = 'States.TaskFailed', cause = ''): void {
    this.takePending(taskToken).reject(new TaskError(error, cause));
  }

  stopExecution(executionArn: string): ExecutionRecord {
    const record = this.describeExecution(executionArn);
    if (record.status === 'RUNNING') this.aborts.get(executionArn)?.();
    return record;
  }

  /** Resolves when every execution started so far has ended. */
  async settle(): Promise<void> {
    await Promise.all([...this.records.values()].map((record) => record.done));
  }

  private takePending(taskToken: string): PendingTask {
    const task = this.pending.get(taskToken);
    if (task) {
      this.pending.delete(taskToken);
      return task;
    }
    // Ours but no longer waited on (timed out, used, execution ended) vs never issued.
    throw this.issuedTokens.has(taskToken) ? taskTimedOut() : invalidToken();
  }

  private launch(
    machine: RegisteredStateMachine,
    executionArn: string,
    name: string,
    input: string,
    parsed: JsonValue,
  ): ExecutionRecord {
    const startDate = new Date();
    const { promise: done, resolve: finish } = deferred<ExecutionRecord>();
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input,
      status: 'RUNNING',
      startDate,
      events: [],
      done,
    };
    this.records.set(executionArn, record);
    const handlers = Object.fromEntries(
      Object.entries(machine.loaded.tasks).map(([state, binding]) => [
        state,
        this.bindTask(binding, executionArn),
      ]),
    );
    const retryIntervalOverrides =
      this.options.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(
            Object.keys(machine.loaded.definition.States).map((state) => [
              state,
              this.options.retryIntervalMs ?? 0,
            ]),
          );
    const execution = new StateMachine(machine.loaded.definition as StateMachineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    }).run(parsed, {
      overrides: {
        taskResourceLocalHandlers: handlers,
        ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
      },
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: startDate.toISOString() },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    this.aborts.set(executionArn, execution.abort);
    const collect = (async () => {
      for await (const event of execution.eventLogs) {
        record.events.push(event);
        this.options.onEvent?.(event, record);
      }
    })();
    void (async () => {
      // The event stream ends with the execution; read it to the end before describing how it ended.
      const settled = await Promise.allSettled([execution.result]);
      await Promise.race([
        collect.catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]);
      try {
        if (settled[0].status === 'rejected') throw settled[0].reason;
        record.output = JSON.stringify(settled[0].value);
        record.status = 'SUCCEEDED';
      } catch (error) {
        const failed = record.events.findLast((event) => event.type === 'ExecutionFailed');
        const name = error instanceof Error ? error.constructor.name : '';
        record.status =
          name === 'ExecutionTimeoutError'
            ? 'TIMED_OUT'
            : name === 'ExecutionAbortedError'
              ? 'ABORTED'
              : 'FAILED';
        if (failed && 'Error' in failed) {
          record.error = failed.Error;
          record.cause = typeof failed.Cause === 'string' ? failed.Cause : JSON.stringify(failed.Cause);
        } else if (record.status === 'TIMED_OUT') {
          record.error = 'States.Timeout';
        }
      }
      record.stopDate = new Date();
      this.aborts.delete(executionArn);
      // Release waits of an ended (aborted) execution so their timers and the library's own are cleared.
      for (const [token, task] of this.pending) {
        if (task.executionArn !== executionArn) continue;
        this.pending.delete(token);
        task.reject(new TaskError('States.Aborted', 'The execution ended'));
      }
      finish(record);
    })();
    return record;
  }

  private bindTask(binding: TaskBinding, executionArn: string) {
    const handler = this.options.handlers[binding.functionName] as LambdaHandler;
    const invoke = (event: unknown) =>
      invokeLikeLambda(handler, event, {
        functionName: binding.functionName,
        region: this.region,
        accountId: this.accountId,
      });
    switch (binding.integration) {
      case 'lambda':
        return (input: JsonValue) => invoke(input) as Promise<JsonValue>;
      case 'lambda-invoke':
        return async (input: JsonValue) =>
          ({ StatusCode: 200, Payload: (await invoke(payloadOf(input))) as JsonValue }) as JsonValue;
      case 'lambda-wait-for-token':
        return (input: JsonValue) => this.waitForTaskToken(executionArn, input, invoke) as Promise<JsonValue>;
    }
  }

  private waitForTaskToken(
    executionArn: string,
    input: unknown,
    invoke: (event: unknown) => Promise<unknown>,
  ) {
    const token = `${Buffer.from(executionArn).toString('base64url')}.${randomUUID()}`;
    const { promise, resolve, reject } = deferred<unknown>();
    this.issuedTokens.add(token);
    this.pending.set(token, { executionArn, resolve, reject });
    const timer = setTimeout(() => {
      if (!this.pending.delete(token)) return;
      reject(
        new TaskError('States.Timeout', 'The task timed out waiting for its callback (local fallback delay)'),
      );
    }, this.options.waitForTaskTokenTimeoutMs ?? 5000);
    // Like Step Functions, the invocation's own failure fails the task; its result is ignored.
    invoke(replaceToken(payloadOf(input), token)).catch((error: unknown) => {
      if (!this.pending.delete(token)) return;
      reject(error instanceof Error ? error : new TaskError('Lambda.Unknown', String(error)));
    });
    return promise.finally(() => clearTimeout(timer));
  }
}

export const validateExecutionName = (name: string): void => {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw validationError(`Invalid execution name: '${name}'`);
};
