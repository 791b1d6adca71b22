/**
 * A tiny stand-in for the cloudboot API: canned answers per `METHOD /path`, and a record of every request
 * (method, path with query, headers, parsed body) for the tests to assert on. Plus `runCli`, which runs the CLI
 * in-process with captured output.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { main } from '../../../cli/main';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Canned {
  status: number;
  body?: unknown;
}

/** One answer, or a sequence served in order (the last one repeats). */
export type Routes = Record<string, Canned | Canned[]>;

export interface FakeApi {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const startFakeApi = async (routes: Routes): Promise<FakeApi> => {
  const requests: RecordedRequest[] = [];
  const served = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const key = `${request.method} ${request.url}`;
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: text ? JSON.parse(text) : undefined,
      });
      const route = routes[key];
      const answers = route === undefined ? [] : Array.isArray(route) ? route : [route];
      const index = served.get(key) ?? 0;
      served.set(key, index + 1);
      const answer = answers[Math.min(index, answers.length - 1)] ?? {
        status: 404,
        body: { error: { code: 'NotFound', message: `no route ${key}` } },
      };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
  /** What the user types (TTY prompts). */
  input?: string;
}

export const runCli = async (argv: string[], options: RunOptions = {}): Promise<CliRun> => {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  if (options.input !== undefined) stdin.end(options.input);
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin,
    env: { CLOUDBOOT_TOKEN: 'test-token', CLOUDBOOT_POLL_MS: '5', ...options.env },
    isTTY: options.isTTY ?? false,
  });
  stdin.destroy();
  return { code, stdout, stderr };
};

/** Runs the CLI against `api` (through CLOUDBOOT_API_URL, as a user would). */
export const runAgainst = (api: FakeApi, argv: string[], options: RunOptions = {}): Promise<CliRun> =>
  runCli(argv, { ...options, env: { CLOUDBOOT_API_URL: api.url, ...options.env } });
