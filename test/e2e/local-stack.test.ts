/**
 * End to end, as a user would: `npm start` on free ports as a child process, then the CLI and plain HTTP.
 * A nightly bake runs and is published; alice works with an environment; bob cannot see or touch it; a forged
 * token is refused; a build failing at TESTING notifies and leaves yesterday's image published; the next build
 * publishes and the pruning report is sane; Ctrl-C stops everything that was started.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { sentNotifications } from '../../emulators/moto';
import { findFreePort } from '../../emulators/ports';

const repoRoot = path.resolve(__dirname, '../..');

interface Ports {
  api: number;
  aws: number;
  imagebuilder: number;
  sfn: number;
}

let ports: Ports;
let stack: ChildProcess;
let stackOutput = '';
let api: string;

const cli = (args: string[], token?: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin/cloudboot.js'), ...args],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          CLOUDBOOT_API_URL: api,
          CLOUDBOOT_TOKEN: token ?? '',
          CLOUDBOOT_POLL_MS: '300',
          NO_COLOR: '1',
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const cliJson = async <T>(args: string[], token: string): Promise<T> => {
  const result = await cli([...args, '--json'], token);
  if (result.code !== 0)
    throw new Error(`cloudboot ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};

const isListening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}\n--- stack output ---\n${stackOutput.slice(-4000)}`);
};

const currentImage = async (token: string) => {
  const response = await fetch(`${api}/images/current`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { amiId?: string; label?: string } };
};

interface Environment {
  id: string;
  name: string;
  owner: string;
  state: string;
}

beforeAll(async () => {
  ports = {
    api: await findFreePort(),
    aws: await findFreePort(),
    imagebuilder: await findFreePort(),
    sfn: await findFreePort(),
  };
  api = `http://127.0.0.1:${ports.api}`;
  // Own process group, like a terminal's foreground job, so Ctrl-C (SIGINT) reaches it as it would a user's.
  stack = spawn('npm', ['start'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(ports.api),
      CLOUDBOOT_AWS_PORT: String(ports.aws),
      CLOUDBOOT_IMAGEBUILDER_PORT: String(ports.imagebuilder),
      CLOUDBOOT_SFN_PORT: String(ports.sfn),
      CLOUDBOOT_AWS_ENDPOINT: '',
    },
  });
  stack.stdout?.on('data', (chunk: Buffer) => {
    stackOutput += chunk.toString();
  });
  stack.stderr?.on('data', (chunk: Buffer) => {
    stackOutput += chunk.toString();
  });
  await waitFor(
    'GET /health',
    async () => ((await fetch(`${api}/health`)).status === 200 ? true : undefined),
    120_000,
  );
}, 180_000);

afterAll(async () => {
  stack.stdout?.destroy();
  stack.stderr?.destroy();
  if (stack.exitCode === null && stack.pid) {
    try {
      process.kill(-stack.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('cloudboot on one machine', () => {
  let alice: string;
  let bob: string;
  let admin: string;
  let firstAmi: string;
  let aliceEnvironment: Environment;

  it('publishes a first image from the bake that runs at start', async () => {
    alice = (await cli(['token', 'alice'])).stdout.trim();
    bob = (await cli(['token', 'bob'])).stdout.trim();
    admin = (await cli(['token', 'ops', '--admin'])).stdout.trim();
    expect(alice.split('.')).toHaveLength(3);

    const image = await waitFor(
      'the first published image',
      async () => {
        const { status, body } = await currentImage(alice);
        return status === 200 ? body : undefined;
      },
      120_000,
    );
    expect(image.amiId).toMatch(/^ami-[0-9a-f]+$/);
    expect(image.label).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    firstAmi = image.amiId ?? '';
    expect(stackOutput).toMatch(/BUILDING/);
    expect(stackOutput).toMatch(/published ami-/);
  }, 150_000);

  it('lets alice create and list an environment, and keeps it from bob', async () => {
    aliceEnvironment = await cliJson<Environment>(['env', 'create', '--name', 'e2e-box', '--wait'], alice);
    expect(aliceEnvironment).toMatchObject({ name: 'e2e-box', owner: 'alice' });
    expect(aliceEnvironment.id).toMatch(/^i-[0-9a-f]+$/);

    const mine = await cliJson<{ environments: Environment[] }>(['env', 'list'], alice);
    expect(mine.environments.map((environment) => environment.id)).toEqual([aliceEnvironment.id]);

    const bobs = await cliJson<{ environments: Environment[] }>(['env', 'list'], bob);
    expect(bobs.environments).toEqual([]);
    for (const args of [
      ['env', 'show'],
      ['env', 'stop'],
      ['env', 'start'],
    ]) {
      const attempt = await cli([...args, aliceEnvironment.id], bob);
      expect({ args, code: attempt.code, stderr: attempt.stderr }).toEqual({
        args,
        code: 1,
        stderr: expect.stringContaining('NotFound'),
      });
    }
    const removal = await cli(['env', 'rm', aliceEnvironment.id, '--yes'], bob);
    expect(removal.code).toBe(1);
    expect(removal.stderr).toContain('NotFound');
  }, 120_000);

  it('refuses a forged token with 401', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ scope: 'cloudboot/environments' })
      .setProtectedHeader({ alg: 'ES256', kid: (await exportJWK(publicKey)).kid ?? 'forged' })
      .setIssuer(`http://127.0.0.1:${ports.api}/local-issuer`)
      .setAudience('cloudboot')
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(privateKey);
    const response = await fetch(`${api}/environments`, { headers: { authorization: `Bearer ${forged}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
  });

  it('stops, starts and deletes alice’s environment, as EC2 reflects', async () => {
    await cliJson(['env', 'stop', aliceEnvironment.id], alice);
    const stopped = await waitFor(
      'stopped',
      async () => {
        const shown = await cliJson<Environment>(['env', 'show', aliceEnvironment.id], alice);
        return shown.state === 'stopped' ? shown : undefined;
      },
      30_000,
    );
    expect(stopped.state).toBe('stopped');

    await cliJson(['env', 'start', aliceEnvironment.id], alice);
    const started = await cliJson<Environment>(['env', 'show', aliceEnvironment.id], alice);
    expect(['pending', 'running']).toContain(started.state);

    await cliJson(['env', 'rm', aliceEnvironment.id, '--yes'], alice);
    const removed = await cliJson<Environment>(['env', 'show', aliceEnvironment.id], alice);
    expect(['shutting-down', 'terminated']).toContain(removed.state);
    const after = await cliJson<{ environments: Environment[] }>(['env', 'list'], alice);
    expect(after.environments).toEqual([]);
  }, 120_000);

  it('notifies a build that fails at TESTING and keeps yesterday’s image published', async () => {
    const control = await fetch(`http://127.0.0.1:${ports.imagebuilder}/_emulator/next-build`, {
      method: 'POST',
      body: JSON.stringify({
        outcome: 'FAILED',
        phase: 'TESTING',
        reason: 'Step CheckRepos failed: projects/app missing',
      }),
    });
    expect(control.status).toBe(200);

    const build = await cli(['build', 'start', '--wait'], admin);
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('TESTING');
    expect(build.stderr).toContain('projects/app missing');

    const notices = await waitFor(
      'the failure notice in SNS',
      async () => {
        const sent = await sentNotifications(`http://127.0.0.1:${ports.aws}`);
        return sent.length > 0 ? sent : undefined;
      },
      30_000,
    );
    expect(notices.map((notice) => notice.subject)).toEqual([expect.stringMatching(/FAILED at TESTING/)]);
    expect(notices[0]?.message).toContain('projects/app missing');

    const { body } = await currentImage(alice);
    expect(body.amiId).toBe(firstAmi);
  }, 150_000);

  it('publishes the next successful build, with a sane pruning report', async () => {
    const build = await cliJson<{ status: string; amiId?: string }>(['build', 'start', '--wait'], admin);
    expect(build.status).toBe('SUCCEEDED');
    expect(build.amiId).toMatch(/^ami-/);
    expect(build.amiId).not.toBe(firstAmi);

    const { body } = await currentImage(alice);
    expect(body.amiId).toBe(build.amiId);

    const report = await cliJson<{
      kept: { amiId: string; reasons: string[] }[];
      deleted: unknown[];
      failed: unknown[];
    }>(['prune', '--dry-run'], admin);
    // Two nightly images, both recent and among the newest three: nothing may go.
    expect(report.deleted).toEqual([]);
    expect(report.failed).toEqual([]);
    expect(report.kept.map((kept) => kept.amiId).sort()).toEqual([build.amiId, firstAmi].sort());
    const current = report.kept.find((kept) => kept.amiId === build.amiId);
    expect(current?.reasons.join(' ')).toMatch(/current value/);
  }, 150_000);

  it('stops everything it started on Ctrl-C', async () => {
    const exited = new Promise<string>((resolve) =>
      stack.once('exit', (code, signal) => resolve(`exited (${code ?? signal})`)),
    );
    process.kill(-(stack.pid ?? 0), 'SIGINT');
    const outcome = await Promise.race([exited, sleep(30_000, 'still running', { ref: false })]);
    // npm itself dies of the SIGINT, as in a terminal; the stack reports its own clean shutdown.
    expect(outcome).toMatch(/^exited/);
    await waitFor(
      'the shutdown message',
      async () => (/cloudboot stopped/.test(stackOutput) ? true : undefined),
      5000,
    );
    await sleep(500);
    for (const [name, port] of Object.entries(ports)) {
      expect({ name, listening: await isListening(port) }).toEqual({ name, listening: false });
    }
  }, 45_000);
});
