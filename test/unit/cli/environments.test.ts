import environment from '../../fixtures/cli/environment.json';
import { type FakeApi, type Routes, runAgainst, startFakeApi } from './fake-api';

const ID = environment.id;
const running = { ...environment, state: 'running' };

describe('cloudboot env', () => {
  let api: FakeApi;
  const serve = async (routes: Routes) => {
    api = await startFakeApi(routes);
    return api;
  };
  afterEach(() => api?.close());

  describe('create', () => {
    it('posts the options with the token and the given idempotency key, and prints the environment', async () => {
      // Prepare
      await serve({
        'POST /environments': {
          status: 201,
          body: { ...environment, warnings: ['the current image is 9 days old'] },
        },
      });

      // Act
      const result = await runAgainst(api, [
        'env',
        'create',
        '--name',
        'dev',
        '--type',
        't3.large',
        '--image',
        '2026-12-03',
        '--idempotency-key',
        'retry-1',
      ]);

      // Assess
      expect(result.code).toBe(0);
      expect(api.requests).toHaveLength(1);
      const [request] = api.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/environments');
      expect(request?.headers.authorization).toBe('Bearer test-token');
      expect(request?.headers['idempotency-key']).toBe('retry-1');
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.body).toEqual({ name: 'dev', instanceType: 't3.large', image: '2026-12-03' });
      expect(result.stdout).toContain(`id:      ${ID}`);
      expect(result.stdout).toContain('name:    dev');
      expect(result.stdout).toContain('state:   pending');
      expect(result.stdout).toContain(`connect: ${environment.connect}`);
      expect(result.stderr).toBe('warning: the current image is 9 days old\n');
    });

    it('sends a fresh random idempotency key and an empty body when no option is given', async () => {
      await serve({ 'POST /environments': { status: 201, body: environment } });

      await runAgainst(api, ['env', 'create']);
      await runAgainst(api, ['env', 'create']);

      const keys = api.requests.map((request) => request.headers['idempotency-key']);
      expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(keys[1]).not.toBe(keys[0]);
      expect(api.requests[0]?.body).toEqual({});
    });

    it('--wait polls until the environment runs, with plain lines off a TTY, then prints how to connect', async () => {
      await serve({
        'POST /environments': { status: 201, body: environment },
        [`GET /environments/${ID}`]: [
          { status: 200, body: environment },
          { status: 200, body: running },
        ],
      });

      const result = await runAgainst(api, ['env', 'create', '--name', 'dev', '--wait']);

      expect(result.code).toBe(0);
      expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'POST /environments',
        `GET /environments/${ID}`,
        `GET /environments/${ID}`,
      ]);
      expect(api.requests[1]?.headers.authorization).toBe('Bearer test-token');
      expect(result.stderr).toMatch(
        new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ${ID} pending$`, 'm'),
      );
      expect(result.stderr).toMatch(new RegExp(`Z ${ID} running$`, 'm'));
      expect(result.stderr).not.toContain('\x1b');
      expect(result.stdout).toContain(`${ID} (dev) is running. Connect with:\n  ${environment.connect}`);
    });

    it('--wait fails with exit 1 when the environment terminates instead', async () => {
      await serve({
        'POST /environments': { status: 201, body: environment },
        [`GET /environments/${ID}`]: { status: 200, body: { ...environment, state: 'terminated' } },
      });

      const result = await runAgainst(api, ['env', 'create', '--wait']);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: ${ID} (dev) is terminated; it will not start`);
    });

    it('--wait on a TTY shows a spinner on stderr and keeps stdout for the result', async () => {
      await serve({
        'POST /environments': { status: 201, body: environment },
        [`GET /environments/${ID}`]: { status: 200, body: running },
      });

      const result = await runAgainst(api, ['env', 'create', '--wait'], { isTTY: true });

      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Waiting for ${ID} (dev) to run: pending`);
      expect(result.stderr).toContain('\r\x1b[2K');
      expect(result.stdout).toContain(`\x1b[32m✓\x1b[39m ${ID} (dev) is running`);
    });

    it('--json --wait prints only the running environment as JSON on stdout', async () => {
      await serve({
        'POST /environments': { status: 201, body: environment },
        [`GET /environments/${ID}`]: { status: 200, body: running },
      });

      const result = await runAgainst(api, ['env', 'create', '--wait', '--json']);

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(running);
    });

    it('prints an API error as one line with code and status, and exits 1', async () => {
      await serve({
        'POST /environments': {
          status: 409,
          body: { error: { code: 'QuotaExceeded', message: 'you already have 3 environments (quota 3)' } },
        },
      });

      const result = await runAgainst(api, ['env', 'create', '--json']);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'error: QuotaExceeded: you already have 3 environments (quota 3) (HTTP 409)\n',
      );
    });
  });

  describe('list', () => {
    const listed = {
      environments: [
        running,
        { ...environment, id: 'i-0fff', name: 'scratch', imageLabel: null, state: 'stopped' },
      ],
    };

    it('prints a table of your environments', async () => {
      await serve({ 'GET /environments': { status: 200, body: listed } });

      const result = await runAgainst(api, ['env', 'list']);

      expect(result.code).toBe(0);
      expect(api.requests[0]?.headers.authorization).toBe('Bearer test-token');
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+NAME\s+STATE\s+TYPE\s+IMAGE\s+CREATED$/);
      expect(lines[1]).toMatch(
        new RegExp(`^${ID}\\s+dev\\s+running\\s+t3.large\\s+2026-12-04\\s+2026-12-04T08:00`),
      );
      expect(lines[2]).toMatch(/^i-0fff\s+scratch\s+stopped\s+t3.large\s+ami-0123456789abcdef0\s+/);
    });

    it('--all asks for every owner and adds the OWNER column', async () => {
      await serve({ 'GET /environments?all=true': { status: 200, body: listed } });

      const result = await runAgainst(api, ['env', 'list', '--all']);

      expect(api.requests[0]?.path).toBe('/environments?all=true');
      expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+OWNER\s+STATE/);
      expect(result.stdout).toContain('alice');
    });

    it('--json prints the API response', async () => {
      await serve({ 'GET /environments': { status: 200, body: listed } });

      const result = await runAgainst(api, ['--json', 'env', 'list']);

      expect(JSON.parse(result.stdout)).toEqual(listed);
    });
  });

  describe('show, stop, start', () => {
    it('show prints key: value lines', async () => {
      await serve({ [`GET /environments/${ID}`]: { status: 200, body: running } });

      const result = await runAgainst(api, ['env', 'show', ID]);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`id:      ${ID}`);
      expect(result.stdout).toContain('owner:   alice');
      expect(result.stdout).toContain('state:   running');
      expect(result.stdout).toContain('image:   2026-12-04');
    });

    it('show of a missing environment prints NotFound with the status and exits 1', async () => {
      await serve({
        [`GET /environments/${ID}`]: {
          status: 404,
          body: { error: { code: 'NotFound', message: `environment ${ID} was not found` } },
        },
      });

      const result = await runAgainst(api, ['env', 'show', ID]);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`error: NotFound: environment ${ID} was not found (HTTP 404)\n`);
    });

    it.each([
      ['stop', 'stopping', 'Stopping'],
      ['start', 'pending', 'Starting'],
    ])('%s posts to the environment and prints one line', async (verb, state, doing) => {
      await serve({ [`POST /environments/${ID}/${verb}`]: { status: 202, body: { ...environment, state } } });

      const result = await runAgainst(api, ['env', verb, ID]);

      expect(result.code).toBe(0);
      expect(api.requests[0]?.method).toBe('POST');
      expect(api.requests[0]?.path).toBe(`/environments/${ID}/${verb}`);
      expect(result.stdout).toBe(`${doing} ${ID} (dev): ${state}\n`);
    });

    it('stop --json prints the environment', async () => {
      await serve({
        [`POST /environments/${ID}/stop`]: { status: 202, body: { ...environment, state: 'stopping' } },
      });

      const result = await runAgainst(api, ['env', 'stop', ID, '--json']);

      expect(JSON.parse(result.stdout)).toMatchObject({ id: ID, state: 'stopping' });
    });
  });

  describe('rm', () => {
    const deleting = { ...environment, state: 'shutting-down' };

    it('--yes deletes without asking', async () => {
      await serve({ [`DELETE /environments/${ID}`]: { status: 202, body: deleting } });

      const result = await runAgainst(api, ['env', 'rm', ID, '--yes']);

      expect(result.code).toBe(0);
      expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        `DELETE /environments/${ID}`,
      ]);
      expect(result.stdout).toBe(`Terminating ${ID} (dev): shutting-down\n`);
    });

    it('without a TTY and without --yes refuses with exit 2 and makes no request', async () => {
      await serve({});

      const result = await runAgainst(api, ['env', 'rm', ID]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain('pass --yes');
      expect(api.requests).toHaveLength(0);
    });

    it('on a TTY asks with the name, and deletes after "y"', async () => {
      await serve({
        [`GET /environments/${ID}`]: { status: 200, body: running },
        [`DELETE /environments/${ID}`]: { status: 202, body: deleting },
      });

      const result = await runAgainst(api, ['env', 'rm', ID], {
        isTTY: true,
        input: 'y\n',
        env: { NO_COLOR: '1' },
      });

      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Terminate ${ID} (dev)? [y/N]`);
      expect(api.requests.map((request) => request.method)).toEqual(['GET', 'DELETE']);
      expect(result.stdout).toContain(`Terminating ${ID} (dev): shutting-down`);
    });

    it('on a TTY keeps the environment unless the answer is yes', async () => {
      await serve({ [`GET /environments/${ID}`]: { status: 200, body: running } });

      const result = await runAgainst(api, ['env', 'rm', ID], { isTTY: true, input: '\n' });

      expect(result.code).toBe(0);
      expect(api.requests.map((request) => request.method)).toEqual(['GET']);
      expect(result.stdout).toBe('Not terminated.\n');
    });
  });
});
