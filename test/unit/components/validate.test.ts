import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  formatIssue,
  validateComponentFile,
  validateComponentSource,
} from '../../../tools/components/validate';

const root = path.resolve(__dirname, '../../..');
const fixtures = path.join(root, 'test/fixtures/components');
const yamlFiles = (directory: string) =>
  readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => path.join(directory, name));

const messages = async (file: string, strict: boolean) =>
  (await validateComponentFile(file, { strict })).map(formatIssue);

describe('cloudboot components', () => {
  const components = yamlFiles(path.join(root, 'components'));

  it('finds the project components', () => {
    expect(components.map((file) => path.basename(file)).sort()).toEqual(
      expect.arrayContaining([
        'clone-repos.yml',
        'dev-tools.yml',
        'pull-docker-images.yml',
        'validate-dev-environment.yml',
      ]),
    );
  });

  it.each(components.map((file) => [path.relative(root, file), file]))(
    '%s validates in strict mode',
    async (_, file) => {
      expect(await messages(file, true)).toEqual([]);
    },
  );
});

describe('third-party documents', () => {
  const samples = yamlFiles(path.join(fixtures, 'aws-samples'));

  it('has the aws-samples fixtures', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(samples.map((file) => [path.basename(file), file]))('aws-samples %s validates', async (_, file) => {
    expect(await messages(file, false)).toEqual([]);
  });

  it('accepts loops, named loops, constants, chaining and Assert', async () => {
    expect(await messages(path.join(fixtures, 'valid/loops.yml'), false)).toEqual([]);
  });
});

const header = 'name: Broken\ndescription: A broken document.\nschemaVersion: 1.0\n';
const bashStep = (name: string, command = 'echo hello') =>
  `      - name: ${name}\n        action: ExecuteBash\n        inputs:\n          commands:\n            - ${command}\n`;

describe('broken documents', () => {
  const cases: Array<[string, string, string | RegExp]> = [
    ['missing phases', header, 'broken.yml: missing required key "phases"'],
    [
      'unknown phase name',
      `${header}phases:\n  - name: biuld\n    steps:\n${bashStep('Hello')}`,
      'broken.yml: phase biuld: unknown phase name "biuld" (expected one of build, validate, test, container-host-test) (did you mean "build"?)',
    ],
    [
      'phase defined twice',
      `${header}phases:\n  - name: build\n    steps:\n${bashStep('One')}  - name: build\n    steps:\n${bashStep('Two')}`,
      'broken.yml: phase build: phase defined more than once (phase names must be unique)',
    ],
    [
      'duplicate step names',
      `${header}phases:\n  - name: build\n    steps:\n${bashStep('Install')}${bashStep('Install')}`,
      'broken.yml: phase build, step Install: duplicate step name "Install" (step names must be unique within a phase)',
    ],
    [
      'unknown action',
      `${header}phases:\n  - name: build\n    steps:\n      - name: CloneRepos\n        action: ExecuteBsh\n        inputs:\n          commands: [echo]\n`,
      'broken.yml: phase build, step CloneRepos: unknown action "ExecuteBsh" (did you mean "ExecuteBash"?)',
    ],
    [
      'ExecuteBash without commands',
      `${header}phases:\n  - name: build\n    steps:\n      - name: Install\n        action: ExecuteBash\n        inputs:\n          command: [echo]\n`,
      'broken.yml: phase build, step Install: ExecuteBash is missing required input "commands"',
    ],
    [
      'WebDownload inputs as a map',
      `${header}phases:\n  - name: build\n    steps:\n      - name: Fetch\n        action: WebDownload\n        inputs:\n          source: https://example.com/a\n          destination: /tmp/a\n`,
      'broken.yml: phase build, step Fetch: WebDownload needs inputs as a non-empty list of { source, destination }',
    ],
    [
      'undeclared parameter',
      `${header}phases:\n  - name: build\n    steps:\n${bashStep('Greet', "echo '{{ Greeting }}'")}`,
      'broken.yml: phase build, step Greet: undeclared parameter "{{ Greeting }}" (declare it under parameters or constants)',
    ],
    [
      'chaining to a step that does not exist',
      `${header}phases:\n  - name: build\n    steps:\n${bashStep('Greet', "echo '{{ build.Missing.outputs.stdout }}'")}`,
      'broken.yml: phase build, step Greet: chaining expression "{{ build.Missing.outputs.stdout }}" refers to unknown step "build.Missing"',
    ],
    [
      'loop variable outside a loop',
      `${header}phases:\n  - name: build\n    steps:\n${bashStep('Greet', "echo '{{ loop.value }}'")}`,
      'broken.yml: phase build, step Greet: "{{ loop.value }}" is used in a step without a loop',
    ],
    [
      'parameter of an unsupported type',
      `${header}parameters:\n  - Count:\n      type: integer\n      description: how many\nphases:\n  - name: build\n    steps:\n${bashStep('Hello')}`,
      'broken.yml: parameter Count: type must be "string" (the only supported type), got "integer"',
    ],
    [
      'bad schemaVersion',
      `name: Broken\ndescription: d\nschemaVersion: 2.0\nphases:\n  - name: build\n    steps:\n${bashStep('Hello')}`,
      'broken.yml: unsupported schemaVersion "2.0": AWSTOE documents use 1.0',
    ],
    [
      'bad onFailure',
      `${header}phases:\n  - name: build\n    steps:\n      - name: Hello\n        action: Reboot\n        onFailure: Retry\n`,
      'broken.yml: phase build, step Hello: onFailure must be one of Abort, Continue, Ignore, got "Retry"',
    ],
    [
      'unknown step key',
      `${header}phases:\n  - name: build\n    steps:\n      - name: Hello\n        action: Reboot\n        timeout: 60\n`,
      'broken.yml: phase build, step Hello: unknown step key "timeout" (did you mean "timeoutSeconds"?)',
    ],
    [
      'non-PascalCase step in strict mode',
      `${header}phases:\n  - name: build\n    steps:\n${bashStep('install_tools')}`,
      'broken.yml: phase build, step install_tools: step name must be PascalCase (cloudboot convention)',
    ],
    [
      'missing description in strict mode',
      `name: Broken\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n${bashStep('Hello')}`,
      'broken.yml: description is required (cloudboot convention)',
    ],
    [
      'bad YAML',
      `${header}phases:\n  - name: build\n    steps: [\n`,
      /^broken\.yml: invalid YAML: .+ \(line \d+, column \d+\)$/,
    ],
  ];

  it.each(cases)('%s', (_, source, expected) => {
    // Act
    const issues = validateComponentSource(source, 'broken.yml', { strict: true }).map(formatIssue);

    // Assess
    if (typeof expected === 'string') expect(issues).toContain(expected);
    else expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('allows snake_case step names outside strict mode', () => {
    const source = `${header}phases:\n  - name: build\n    steps:\n${bashStep('install_tools')}`;
    expect(validateComponentSource(source, 'third-party.yml', { strict: false })).toEqual([]);
  });
});
