import { runCli } from './fake-api';

describe('cloudboot components validate', () => {
  it('checks every components/*.yml by default, like npm run components:validate', async () => {
    const result = await runCli(['components', 'validate']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('✓ components/clone-repos.yml');
    expect(result.stdout).toContain('✓ components/validate-dev-environment.yml');
  });

  it('names file, phase, step and reason of a broken document and exits 1', async () => {
    const file = 'test/fixtures/components/broken/unknown-action.yml';

    const result = await runCli(['components', 'validate', file]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `✗ ${file}: phase build, step CloneRepos: unknown action "ExecuteBsh" (did you mean "ExecuteBash"?)\n` +
        '1 of 1 component document(s) invalid\n',
    );
  });

  it('--json reports every file with its issues', async () => {
    const file = 'test/fixtures/components/broken/unknown-action.yml';

    const result = await runCli(['components', 'validate', 'components/dev-tools.yml', file, '--json']);

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.files[0]).toEqual({ file: 'components/dev-tools.yml', valid: true, issues: [] });
    expect(report.files[1]).toMatchObject({
      file,
      valid: false,
      issues: [{ file, where: 'phase build, step CloneRepos' }],
    });
  });

  it('a missing file is a usage error (exit 2)', async () => {
    const result = await runCli(['components', 'validate', 'test/fixtures/components/does-not-exist.yml']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no such file: test/fixtures/components/does-not-exist.yml');
  });
});
