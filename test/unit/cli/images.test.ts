import image from '../../fixtures/cli/image.json';
import report from '../../fixtures/cli/prune-report.json';
import { type FakeApi, type Routes, runAgainst, startFakeApi } from './fake-api';

const realRun = { ...report, dryRun: false };

describe('cloudboot image current and prune', () => {
  let api: FakeApi;
  const serve = async (routes: Routes) => {
    api = await startFakeApi(routes);
  };
  afterEach(() => api?.close());

  it('image current prints the published image', async () => {
    await serve({ 'GET /images/current': { status: 200, body: image } });

    const result = await runAgainst(api, ['image', 'current']);

    expect(result.code).toBe(0);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer test-token');
    expect(result.stdout).toBe(
      'ami:       ami-0123456789abcdef0\nversion:   4\nlabel:     2026-12-04\npublished: 2026-12-04T03:41:12.000Z\n',
    );
  });

  it('image current --json prints the API response', async () => {
    await serve({ 'GET /images/current': { status: 200, body: image } });

    const result = await runAgainst(api, ['image', 'current', '--json']);

    expect(JSON.parse(result.stdout)).toEqual(image);
  });

  it('image current before the first build shows NoImagePublished', async () => {
    await serve({
      'GET /images/current': {
        status: 404,
        body: { error: { code: 'NoImagePublished', message: 'no nightly image has been published yet' } },
      },
    });

    const result = await runAgainst(api, ['image', 'current']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: NoImagePublished: no nightly image has been published yet (HTTP 404)\n',
    );
  });

  it('prune --dry-run asks for a dry run and shows what would go and why the rest stays', async () => {
    await serve({ 'POST /images/prune': { status: 200, body: report } });

    const result = await runAgainst(api, ['prune', '--dry-run']);

    expect(result.code).toBe(0);
    expect(api.requests[0]?.body).toEqual({ dryRun: true });
    expect(result.stdout).toBe(
      [
        'Would delete 1 image(s):',
        '  ami-0000000000000000a cloudboot-test 2026-11-01 (snapshots snap-0000000000000000a)',
        'Kept 2 image(s) because:',
        '  ami-0000000000000000d cloudboot-test 2026-12-04: current image; newest 3',
        '  ami-0000000000000000c cloudboot-test 2026-12-03: in use by i-0abc1234def567890',
        '',
      ].join('\n'),
    );
  });

  it('prune --dry-run --json prints the report', async () => {
    await serve({ 'POST /images/prune': { status: 200, body: report } });

    const result = await runAgainst(api, ['prune', '--dry-run', '--json']);

    expect(JSON.parse(result.stdout)).toEqual(report);
  });

  it('prune without a TTY and without --yes refuses with exit 2 and makes no request', async () => {
    await serve({});

    const result = await runAgainst(api, ['prune']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --yes');
    expect(api.requests).toHaveLength(0);
  });

  it('prune --yes deletes and exits 1 when a deletion failed', async () => {
    const failing = {
      ...realRun,
      failed: [
        {
          amiId: 'ami-0000000000000000b',
          step: 'delete-snapshot',
          snapshotId: 'snap-b',
          error: 'InvalidSnapshot.InUse',
        },
      ],
    };
    await serve({ 'POST /images/prune': { status: 200, body: failing } });

    const result = await runAgainst(api, ['prune', '--yes']);

    expect(result.code).toBe(1);
    expect(api.requests[0]?.body).toEqual({ dryRun: false });
    expect(result.stdout).toContain('Deleted 1 image(s):');
    expect(result.stdout).toContain(
      '  ami-0000000000000000b at delete-snapshot snap-b: InvalidSnapshot.InUse',
    );
    expect(result.stderr).toBe('error: 1 deletion(s) failed\n');
  });

  it('prune on a TTY previews, asks, then deletes', async () => {
    await serve({
      'POST /images/prune': [
        { status: 200, body: report },
        { status: 200, body: realRun },
      ],
    });

    const result = await runAgainst(api, ['prune'], { isTTY: true, input: 'yes\n', env: { NO_COLOR: '1' } });

    expect(result.code).toBe(0);
    expect(api.requests.map((request) => request.body)).toEqual([{ dryRun: true }, { dryRun: false }]);
    expect(result.stderr).toContain('Would delete 1 image(s):');
    expect(result.stderr).toContain('Delete 1 image(s) and their snapshots? [y/N]');
    expect(result.stdout).toContain('Deleted 1 image(s):');
  });
});
