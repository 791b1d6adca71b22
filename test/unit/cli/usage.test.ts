import { spawnSync } from 'node:child_process';
import path from 'node:path';
import environment from '../../fixtures/cli/environment.json';
import { type FakeApi, runAgainst, runCli, startFakeApi } from './fake-api';

const root = path.resolve(__dirname, '../../..');

describe('cloudboot usage, configuration and network errors', () => {
  let api: FakeApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('an unknown flag prints the usage on stderr and exits 2', async () => {
    const result = await runCli(['env', 'list', '--bogus']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("error: unknown option '--bogus'");
    expect(result.stderr).toContain('Usage: cloudboot env list|ls [options]');
  });

  it('a missing argument exits 2 with usage', async () => {
    const result = await runCli(['env', 'show']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: missing required argument 'id'");
    expect(result.stderr).toContain('Usage: cloudboot env show [options] <id>');
  });

  it('an unknown command or no command at all exits 2', async () => {
    expect((await runCli(['env', 'nope'])).code).toBe(2);
    expect((await runCli(['env'])).code).toBe(2);
    expect((await runCli([])).code).toBe(2);
  });

  it('--help prints usage on stdout and exits 0', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: cloudboot [options] [command]');
  });

  it('a network error names the URL that could not be reached and exits 1', async () => {
    const closed = await startFakeApi({});
    await closed.close();

    const result = await runAgainst(closed, ['env', 'list']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: could not reach ${closed.url}/environments (ECONNREFUSED). Is the local stack running (npm start)? Set --api or CLOUDBOOT_API_URL.\n`,
    );
  });

  it('a failed create over the network tells how to retry without a second environment', async () => {
    const closed = await startFakeApi({});
    await closed.close();

    const result = await runAgainst(closed, ['env', 'create', '--idempotency-key', 'k-1']);

    expect(result.stderr).toContain('re-run with --idempotency-key k-1');
  });

  it('--api wins over CLOUDBOOT_API_URL, and --token over CLOUDBOOT_TOKEN', async () => {
    api = await startFakeApi({ 'GET /environments': { status: 200, body: { environments: [environment] } } });

    const result = await runCli(['env', 'list', '--api', `${api.url}/`, '--token', 'flag-token'], {
      env: { CLOUDBOOT_API_URL: 'http://127.0.0.1:9' },
    });

    expect(result.code).toBe(0);
    expect(api.requests[0]?.path).toBe('/environments');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer flag-token');
  });

  it('defaults to the local stack on PORT', async () => {
    api = await startFakeApi({ 'GET /environments': { status: 200, body: { environments: [] } } });
    const port = new URL(api.url).port;

    const result = await runCli(['env', 'list'], { env: { PORT: port } });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No environments. Create one with: cloudboot env create\n');
  });

  it('a non-JSON error page still gives one line with the status', async () => {
    api = await startFakeApi({ 'GET /environments': { status: 502 } });

    const result = await runAgainst(api, ['env', 'list']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: BadGateway: Bad Gateway from http:\/\/127\.0\.0\.1:\d+\/environments \(HTTP 502\)\n$/,
    );
  });

  it('a 401 without any token says how to get one', async () => {
    api = await startFakeApi({
      'GET /environments': {
        status: 401,
        body: { error: { code: 'Unauthorized', message: 'missing bearer token' } },
      },
    });

    const result = await runAgainst(api, ['env', 'list'], { env: { CLOUDBOOT_TOKEN: undefined } });

    expect(result.code).toBe(1);
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
    expect(result.stderr).toBe(
      'error: Unauthorized: missing bearer token (HTTP 401). No token was sent: set CLOUDBOOT_TOKEN (locally: export CLOUDBOOT_TOKEN=$(npx cloudboot token <user>))\n',
    );
  });

  describe('bin/cloudboot.js', () => {
    const bin = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/cloudboot.js', ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      });

    it('--help exits 0 with the usage', () => {
      const result = bin('--help');

      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Usage: cloudboot [options] [command]');
      expect(result.stdout).toContain('env');
    });

    it('an unknown subcommand exits 2', () => {
      const result = bin('env', 'nope');

      expect(result.status).toBe(2);
      expect(result.stderr).toContain("error: unknown command 'nope'");
    });
  });
});
