/**
 * The Step Functions emulator over HTTP: the awsJson1_0 subset cloudboot's code calls, so `@aws-sdk/client-sfn`
 * pointed at it with AWS_ENDPOINT_URL_SFN (the trigger, onImageStateChange, the CLI) works unchanged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  StepFunctionsEmulator,
  type StepFunctionsEmulatorOptions,
  validateExecutionName,
} from './emulator';
import { SfnApiError } from './errors';

export interface StepFunctionsEmulatorServer {
  url: string;
  port: number;
  emulator: StepFunctionsEmulator;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

const str = (body: Body, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || value === '')
    throw new SfnApiError('ValidationException', `${key} is required`);
  return value;
};
const optStr = (body: Body, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

/** awsJson timestamps are epoch seconds. */
const epoch = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);

/** The fields ListExecutions reports for each execution; DescribeExecution adds input, output and error. */
const summarize = (record: ExecutionRecord) => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: epoch(record.startDate),
  stopDate: epoch(record.stopDate),
});

const describe = (record: ExecutionRecord) => ({
  ...summarize(record),
  input: record.input,
  output: record.output,
  error: record.error,
  cause: record.cause,
});

const operations = (emulator: StepFunctionsEmulator): Record<string, (body: Body) => unknown> => ({
  StartExecution: (body) => {
    const name = optStr(body, 'name');
    if (name !== undefined) validateExecutionName(name);
    const record = emulator.startExecution({
      stateMachineArn: str(body, 'stateMachineArn'),
      ...(name !== undefined ? { name } : {}),
      ...(optStr(body, 'input') !== undefined ? { input: optStr(body, 'input') } : {}),
    });
    return { executionArn: record.executionArn, startDate: epoch(record.startDate) };
  },
  DescribeExecution: (body) => describe(emulator.describeExecution(str(body, 'executionArn'))),
  ListExecutions: (body) => {
    const { executions, nextToken } = emulator.listExecutions({
      stateMachineArn: str(body, 'stateMachineArn'),
      ...(optStr(body, 'statusFilter')
        ? { statusFilter: optStr(body, 'statusFilter') as ExecutionStatus }
        : {}),
      ...(typeof body.maxResults === 'number' ? { maxResults: body.maxResults } : {}),
      ...(optStr(body, 'nextToken') ? { nextToken: optStr(body, 'nextToken') } : {}),
    });
    return {
      executions: executions.map(summarize),
      nextToken,
    };
  },
  SendTaskSuccess: (body) => {
    emulator.sendTaskSuccess(str(body, 'taskToken'), str(body, 'output'));
    return {};
  },
  SendTaskFailure: (body) => {
    emulator.sendTaskFailure(str(body, 'taskToken'), optStr(body, 'error'), optStr(body, 'cause'));
    return {};
  },
  StopExecution: (body) => ({
    stopDate: epoch(emulator.stopExecution(str(body, 'executionArn')).stopDate ?? new Date()),
  }),
});

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (response: ServerResponse, status: number, body: unknown, errorType?: string): void => {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(JSON.stringify(body));
};

export const startStepFunctionsEmulator = async (
  options: StepFunctionsEmulatorOptions & { port?: number; host?: string },
): Promise<StepFunctionsEmulatorServer> => {
  const emulator = new StepFunctionsEmulator(options);
  const handlers = operations(emulator);
  const server = createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.')
      ? handlers[target.slice('AWSStepFunctions.'.length)]
      : undefined;
    if (request.method !== 'POST' || !operation) {
      send(
        response,
        400,
        { __type: 'UnknownOperationException', message: `Unsupported operation ${target}` },
        'UnknownOperationException',
      );
      return;
    }
    try {
      const text = await readBody(request);
      send(response, 200, operation(text ? (JSON.parse(text) as Body) : {}));
    } catch (error) {
      if (error instanceof SfnApiError) {
        send(response, 400, { __type: error.name, message: error.message }, error.name);
      } else {
        send(response, 500, { __type: 'InternalFailure', message: 'Internal error' }, 'InternalFailure');
      }
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    emulator,
    close: async () => {
      for (const record of emulator.executions.values())
        if (record.status === 'RUNNING') emulator.stopExecution(record.executionArn);
      await emulator.settle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
