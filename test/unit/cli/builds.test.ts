import build from '../../fixtures/cli/build.json';
import { type FakeApi, type Routes, runAgainst, startFakeApi } from './fake-api';

const ID = build.id;
const PATH = `/builds/${ID}`;
const building = {
  ...build,
  phase: 'BUILDING',
  phases: [
    { name: 'PENDING', startedAt: '2026-12-04T03:00:00.000Z', durationSeconds: 5 },
    { name: 'BUILDING', startedAt: '2026-12-04T03:00:05.000Z' },
  ],
};
const testing = {
  ...build,
  phase: 'TESTING',
  phases: [
    { name: 'PENDING', startedAt: '2026-12-04T03:00:00.000Z', durationSeconds: 5 },
    { name: 'BUILDING', startedAt: '2026-12-04T03:00:05.000Z', durationSeconds: 1200 },
    { name: 'TESTING', startedAt: '2026-12-04T03:20:05.000Z' },
  ],
};
const succeeded = {
  ...testing,
  status: 'SUCCEEDED',
  outcome: 'AVAILABLE',
  phase: 'AVAILABLE',
  stoppedAt: '2026-12-04T03:31:00.000Z',
  amiId: 'ami-0123456789abcdef0',
  phases: [
    { name: 'PENDING', startedAt: '2026-12-04T03:00:00.000Z', durationSeconds: 5 },
    { name: 'BUILDING', startedAt: '2026-12-04T03:00:05.000Z', durationSeconds: 1200 },
    { name: 'TESTING', startedAt: '2026-12-04T03:20:05.000Z', durationSeconds: 655 },
  ],
};
const failed = {
  ...testing,
  status: 'FAILED',
  outcome: 'FAILED',
  phase: 'TESTING',
  stoppedAt: '2026-12-04T03:25:00.000Z',
  reason: 'step ValidateDevEnvironment failed: docker not found',
};
const TIMESTAMP = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';

describe('cloudboot build', () => {
  let api: FakeApi;
  const serve = async (routes: Routes) => {
    api = await startFakeApi(routes);
  };
  afterEach(() => api?.close());

  it('start posts /builds and prints the build id', async () => {
    await serve({ 'POST /builds': { status: 202, body: { build } } });

    const result = await runAgainst(api, ['build', 'start']);

    expect(result.code).toBe(0);
    expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/builds' });
    expect(api.requests[0]?.headers.authorization).toBe('Bearer test-token');
    expect(result.stdout).toContain(`Started build ${ID}`);
  });

  it('start --json prints the build', async () => {
    await serve({ 'POST /builds': { status: 202, body: { build } } });

    const result = await runAgainst(api, ['build', 'start', '--json']);

    expect(JSON.parse(result.stdout)).toEqual(build);
  });

  it('start while a build runs prints BuildInProgress and exits 1', async () => {
    await serve({
      'POST /builds': {
        status: 409,
        body: { error: { code: 'BuildInProgress', message: `build ${ID} is in progress`, buildId: ID } },
      },
    });

    const result = await runAgainst(api, ['build', 'start']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: BuildInProgress: build ${ID} is in progress (HTTP 409)\n`);
  });

  it('start --wait follows the phases with timestamped lines off a TTY and exits 0 on success', async () => {
    await serve({
      'POST /builds': { status: 202, body: { build } },
      [`GET ${PATH}`]: [
        { status: 200, body: building },
        { status: 200, body: testing },
        { status: 200, body: succeeded },
      ],
    });

    const result = await runAgainst(api, ['build', 'start', '--wait']);

    expect(result.code).toBe(0);
    expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /builds',
      `GET ${PATH}`,
      `GET ${PATH}`,
      `GET ${PATH}`,
    ]);
    expect(result.stderr).toMatch(
      new RegExp(
        `^${TIMESTAMP} PENDING\n${TIMESTAMP} BUILDING\n${TIMESTAMP} TESTING\n${TIMESTAMP} AVAILABLE\n$`,
      ),
    );
    expect(result.stdout).toContain(`build ${ID} succeeded in 31m00s: ami-0123456789abcdef0`);
  });

  it('start --wait exits 1 with the phase and the reason when the build fails', async () => {
    await serve({
      'POST /builds': { status: 202, body: { build } },
      [`GET ${PATH}`]: [
        { status: 200, body: building },
        { status: 200, body: failed },
      ],
    });

    const result = await runAgainst(api, ['build', 'start', '--wait']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${TIMESTAMP} TESTING\n${TIMESTAMP} FAILED\n`));
    expect(result.stderr).toContain(
      `error: build ${ID} FAILED at TESTING: step ValidateDevEnvironment failed: docker not found`,
    );
  });

  it('start --wait follows the build already in progress', async () => {
    await serve({
      'POST /builds': {
        status: 409,
        body: { error: { code: 'BuildInProgress', message: 'a build is in progress', buildId: ID } },
      },
      [`GET ${PATH}`]: [
        { status: 200, body: testing },
        { status: 200, body: succeeded },
      ],
    });

    const result = await runAgainst(api, ['build', 'start', '--wait', '--json']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`a build is already in progress (${ID}); following it`);
    expect(JSON.parse(result.stdout)).toEqual(succeeded);
  });

  it('start --wait on a TTY shows a live line and each completed phase with its duration', async () => {
    await serve({
      'POST /builds': { status: 202, body: { build } },
      [`GET ${PATH}`]: [
        { status: 200, body: testing },
        { status: 200, body: succeeded },
      ],
    });

    const result = await runAgainst(api, ['build', 'start', '--wait'], {
      isTTY: true,
      env: { NO_COLOR: '1' },
    });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('\r\x1b[2K');
    expect(result.stderr).toMatch(/PENDING \d/);
    expect(result.stderr).toContain('✓ PENDING        5s');
    expect(result.stderr).toContain('✓ BUILDING       20m00s');
    expect(result.stderr).toContain('✓ TESTING        10m55s');
    expect(result.stdout).toContain(`✓ build ${ID} succeeded`);
  });

  it('list prints a table with outcome, AMI and duration', async () => {
    await serve({
      'GET /builds': { status: 200, body: { builds: [succeeded, { ...failed, id: 'b-older' }] } },
    });

    const result = await runAgainst(api, ['build', 'list']);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STARTED\s+OUTCOME\s+AMI\s+DURATION$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${ID}\\s+2026-12-04T03:00:00.000Z\\s+AVAILABLE\\s+ami-0123456789abcdef0\\s+31m00s$`),
    );
    expect(lines[2]).toMatch(/^b-older\s+\S+\s+FAILED\s+-\s+25m00s$/);
  });

  it('list --json prints the API response', async () => {
    await serve({ 'GET /builds': { status: 200, body: { builds: [succeeded] } } });

    const result = await runAgainst(api, ['build', 'list', '--json']);

    expect(JSON.parse(result.stdout)).toEqual({ builds: [succeeded] });
  });

  it('show prints the details with per-phase durations', async () => {
    await serve({ [`GET ${PATH}`]: { status: 200, body: failed } });

    const result = await runAgainst(api, ['build', 'show', ID]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`id:          ${ID}`);
    expect(result.stdout).toContain('outcome:     FAILED');
    expect(result.stdout).toContain('reason:      step ValidateDevEnvironment failed: docker not found');
    expect(result.stdout).toMatch(/phases:\n {2}PENDING\s+5s\n {2}BUILDING\s+20m00s\n {2}TESTING\s+running/);
  });

  it('show tolerates a build with only the required fields', async () => {
    await serve({ [`GET ${PATH}`]: { status: 200, body: { id: ID, status: 'RUNNING' } } });

    const result = await runAgainst(api, ['build', 'show', ID]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status:      RUNNING');
  });

  it('show of a malformed answer says so and exits 1', async () => {
    await serve({ [`GET ${PATH}`]: { status: 200, body: { builds: [] } } });

    const result = await runAgainst(api, ['build', 'show', ID]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: unexpected response from GET ${api.url}${PATH} (HTTP 200) at id`);
  });
});
