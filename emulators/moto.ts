/**
 * Starts and stops moto_server, the AWS API emulator that stands in for EC2, SSM and SNS locally and in tests.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export class MotoNotInstalledError extends Error {
  override name = 'MotoNotInstalledError';
  constructor() {
    super(
      'moto_server was not found on PATH. Install it with: pip install "moto[server]" (Python 3.9+), ' +
        'or point CLOUDBOOT_AWS_ENDPOINT at a running moto_server.',
    );
  }
}

export interface MotoServer {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

const isInstalled = (): boolean => spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

const waitUntilReady = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`moto_server did not become ready at ${endpoint} within ${timeoutMs} ms`);
};

export const startMoto = async ({
  port,
  host = '127.0.0.1',
  timeoutMs = 30_000,
}: {
  port: number;
  host?: string;
  timeoutMs?: number;
}): Promise<MotoServer> => {
  if (!isInstalled()) throw new MotoNotInstalledError();
  const child = spawn('moto_server', ['-H', host, '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://${host}:${port}`;
  try {
    await waitUntilReady(endpoint, child, timeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint,
    port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** Drops all state in moto (between tests). */
export const resetMoto = async (endpoint: string): Promise<void> => {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
};

/** Messages moto's SNS recorded as sent, across every topic. */
export interface SentNotification {
  topicArn: string;
  message: string;
  subject: string | null;
}

export const sentNotifications = async (endpoint: string): Promise<SentNotification[]> => {
  const response = await fetch(`${endpoint}/moto-api/data.json`);
  const data = (await response.json()) as {
    sns?: { Topic?: { arn: string; sent_notifications?: [string, string, string | null, unknown][] }[] };
  };
  return (data.sns?.Topic ?? []).flatMap((topic) =>
    (topic.sent_notifications ?? []).map(([, message, subject]) => ({
      topicArn: topic.arn,
      message,
      subject: subject ?? null,
    })),
  );
};

/** The service-specific endpoint variables the AWS SDK v3 reads, for the services moto emulates. */
export const motoEndpointEnv = (endpoint: string): Record<string, string> => ({
  AWS_ENDPOINT_URL_EC2: endpoint,
  AWS_ENDPOINT_URL_SSM: endpoint,
  AWS_ENDPOINT_URL_SNS: endpoint,
});
