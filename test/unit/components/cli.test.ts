import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const run = (...args: string[]) =>
  spawnSync(tsx, ['tools/validate-components.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('tools/validate-components.ts', () => {
  it('exits 0 and lists every document of components/', () => {
    const result = run();

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('✓ components/clone-repos.yml');
    expect(result.stdout).toContain('✓ components/validate-dev-environment.yml');
  });

  it('exits 1 and names file, phase, step and reason for a broken document', () => {
    const result = run('test/fixtures/components/broken/unknown-action.yml');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'test/fixtures/components/broken/unknown-action.yml: phase build, step CloneRepos: unknown action "ExecuteBsh" (did you mean "ExecuteBash"?)',
    );
  });

  it('exits 2 on a usage error', () => {
    expect(run('--bogus').status).toBe(2);
    expect(run('test/fixtures/components/does-not-exist.yml').status).toBe(2);
  });
});
