/**
 * `npm start` refuses clearly, leaving nothing running, when a port is taken or moto_server is missing.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { findFreePort } from '../../emulators/ports';

const repoRoot = path.resolve(__dirname, '../..');

const start = (env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'local/start.ts'],
      { cwd: repoRoot, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          output: stdout + stderr,
        });
      },
    );
  });

const freePorts = async () => ({
  PORT: String(await findFreePort()),
  CLOUDBOOT_AWS_PORT: String(await findFreePort()),
  CLOUDBOOT_IMAGEBUILDER_PORT: String(await findFreePort()),
  CLOUDBOOT_SFN_PORT: String(await findFreePort()),
});

const isFree = (port: string) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolve(true)));
  });

describe('npm start, bad setup', () => {
  let blocker: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('names the port that is already in use and starts nothing', async () => {
    const ports = await freePorts();
    blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker?.listen(Number(ports.CLOUDBOOT_IMAGEBUILDER_PORT), '127.0.0.1', resolve),
    );

    const result = await start({ ...process.env, ...ports });

    expect(result.code).toBe(1);
    expect(result.output).toContain(
      `Port ${ports.CLOUDBOOT_IMAGEBUILDER_PORT} (CLOUDBOOT_IMAGEBUILDER_PORT) is already in use`,
    );
    expect(await isFree(ports.CLOUDBOOT_AWS_PORT)).toBe(true);
    expect(await isFree(ports.PORT)).toBe(true);
  }, 60_000);

  it('tells how to install moto_server when it is missing', async () => {
    const ports = await freePorts();
    // A PATH with node but without Python's moto_server.
    const result = await start({ ...process.env, ...ports, PATH: path.dirname(process.execPath) });

    expect(result.code).toBe(1);
    expect(result.output).toContain('pip install "moto[server]"');
    expect(await isFree(ports.PORT)).toBe(true);
  }, 60_000);
});
