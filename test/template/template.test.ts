/**
 * The real template: `serverless package` offline, then cfn-lint, then assertions on what must hold in AWS.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type CloudFormationTemplate, packageService } from '../../tools/package-template';

const run = promisify(execFile);

type Resource = CloudFormationTemplate['Resources'][string];
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

let outputDir: string;
let template: CloudFormationTemplate;

const resourcesOfType = (type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const props = (resource: Resource | undefined): Record<string, unknown> =>
  (resource?.Properties ?? {}) as Record<string, unknown>;
const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const statementsOf = (role: Resource): Statement[] =>
  ((props(role).Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
const functionRoles = (): [string, Resource][] =>
  resourcesOfType('AWS::Lambda::Function').map(([name, fn]) => {
    const roleRef = props(fn).Role as { 'Fn::GetAtt': [string, string] };
    const role = template.Resources[roleRef['Fn::GetAtt'][0]];
    if (!role) throw new Error(`${name} has no role`);
    return [name, role];
  });

// Actions for which the service offers no resource-level permissions (IAM Service Authorization Reference).
const ACTIONS_WITHOUT_RESOURCE_SCOPE = [
  /^ec2:Describe[A-Za-z]+$/,
  /^xray:(PutTraceSegments|PutTelemetryRecords)$/,
  /^imagebuilder:List[A-Za-z]+$/,
];

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), 'cloudboot-package-'));
  template = await packageService(outputDir);
}, 240_000);

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

describe('packaged CloudFormation template', () => {
  it('passes cfn-lint with zero errors', async () => {
    const result = await run('cfn-lint', [
      path.join(outputDir, 'cloudformation-template-update-stack.json'),
    ]).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    // cfn-lint exit codes are a bit mask: 2 = error, 4 = warning, 8 = informational.
    expect({ errors: result.code & 2, output: result.stdout }).toEqual({
      errors: 0,
      output: expect.any(String),
    });
  }, 120_000);

  it('gives every function its own role', () => {
    const roles = functionRoles();
    expect(roles.length).toBeGreaterThan(0);
    const roleNames = roles.map(([, role]) => JSON.stringify(role));
    expect(new Set(roleNames).size).toBe(roles.length);
    for (const [name, role] of roles) {
      expect({ name, statements: statementsOf(role).length }).toEqual({
        name,
        statements: expect.any(Number),
      });
    }
  });

  it('never allows "Action": "*" and scopes resources wherever the service supports it', () => {
    for (const [, role] of resourcesOfType('AWS::IAM::Role')) {
      for (const statement of statementsOf(role)) {
        const actions = actionsOf(statement);
        expect(actions).not.toContain('*');
        for (const action of actions) expect(action).not.toMatch(/:\*$/);
        const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
        if (resources.includes('*')) {
          const unscopable = actions.filter(
            (action) => !ACTIONS_WITHOUT_RESOURCE_SCOPE.some((re) => re.test(action)),
          );
          expect({ statement: actions, unscopable }).toEqual({ statement: actions, unscopable: [] });
        }
      }
    }
  });

  it('schedules the nightly build from the buildSchedule param (03:00 UTC by default)', () => {
    const rules = resourcesOfType('AWS::Events::Rule').filter(([name]) =>
      name.startsWith('StartNightlyBuild'),
    );
    expect(rules.map(([, rule]) => props(rule).ScheduleExpression)).toEqual(['cron(0 3 * * ? *)']);
  });

  it('gives the Image Builder pipeline no schedule of its own', () => {
    const [[, pipeline] = []] = resourcesOfType('AWS::ImageBuilder::ImagePipeline');
    expect(props(pipeline).Schedule).toBeUndefined();
    expect(props(pipeline).Status).toBe('ENABLED');
  });

  it('loads every component document as raw text', () => {
    const components = resourcesOfType('AWS::ImageBuilder::Component');
    expect(components.length).toBe(4);
    for (const [, component] of components) {
      expect(typeof props(component).Data).toBe('string');
      expect(props(component).Data).toMatch(/schemaVersion: 1\.0/);
    }
  });

  it('builds on an encrypted 100 GiB gp3 root volume from current Amazon Linux 2023, with the build instance type', () => {
    const [[, recipe] = []] = resourcesOfType('AWS::ImageBuilder::ImageRecipe');
    expect(props(recipe).BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { VolumeSize: 100, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
      },
    ]);
    expect(JSON.stringify(props(recipe).ParentImage)).toContain('image/amazon-linux-2023-x86/x.x.x');
    const [[, infrastructure] = []] = resourcesOfType('AWS::ImageBuilder::InfrastructureConfiguration');
    expect(props(infrastructure).InstanceTypes).toEqual(['t3.xlarge']);
    expect(props(infrastructure).SnsTopicArn).toEqual({ Ref: 'BuildNotificationsTopic' });
  });

  it('names AMIs with the build date and tags them with pipeline and stage', () => {
    const [[, distribution] = []] = resourcesOfType('AWS::ImageBuilder::DistributionConfiguration');
    const [target] = props(distribution).Distributions as {
      AmiDistributionConfiguration: { Name: string; AmiTags: Record<string, string> };
    }[];
    expect(target?.AmiDistributionConfiguration.Name).toContain('{{ imagebuilder:buildDate }}');
    expect(target?.AmiDistributionConfiguration.AmiTags).toEqual({
      'cloudboot:pipeline': 'cloudboot-test',
      'cloudboot:stage': 'test',
    });
  });

  it('launches developer instances with IMDSv2 only, encrypted volumes, no public IP and no SSH key', () => {
    const [[, launchTemplate] = []] = resourcesOfType('AWS::EC2::LaunchTemplate');
    const data = props(launchTemplate).LaunchTemplateData as Record<string, unknown>;
    expect(data.MetadataOptions).toEqual({
      HttpEndpoint: 'enabled',
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
    });
    expect(data.BlockDeviceMappings).toEqual([
      expect.objectContaining({ Ebs: expect.objectContaining({ Encrypted: true, VolumeType: 'gp3' }) }),
    ]);
    expect(data.NetworkInterfaces).toEqual([expect.objectContaining({ AssociatePublicIpAddress: false })]);
    expect(data.KeyName).toBeUndefined();
    expect(data.IamInstanceProfile).toEqual({ Arn: { 'Fn::GetAtt': ['DevInstanceProfile', 'Arn'] } });
  });

  it('holds the build watcher state machine (Standard) with the event-driven wait and its polling fallback', () => {
    const machines = resourcesOfType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const [, machine] = machines[0] ?? [];
    expect(props(machine)).toMatchObject({
      StateMachineType: 'STANDARD',
      StateMachineName: 'cloudboot-test-build-watcher',
    });
    const definition = JSON.stringify(props(machine).DefinitionString);
    for (const state of [
      'CheckBuild',
      'WaitForPhaseChange',
      'PublishImage',
      'PruneImages',
      'NotifyFailure',
    ]) {
      expect(definition).toContain(state);
    }
    expect(definition).toContain('lambda:invoke.waitForTaskToken');
  });

  it('protects every route but /health with the JWT authorizer and the API scope', () => {
    const [[, authorizer] = []] = resourcesOfType('AWS::ApiGatewayV2::Authorizer');
    expect(props(authorizer)).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: ['cloudboot'], Issuer: expect.stringMatching(/^https:\/\//) },
    });
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => props(route));
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(
      [
        'DELETE /environments/{id}',
        'GET /builds',
        'GET /builds/{id}',
        'GET /environments',
        'GET /environments/{id}',
        'GET /health',
        'GET /images/current',
        'POST /builds',
        'POST /environments',
        'POST /environments/{id}/start',
        'POST /environments/{id}/stop',
        'POST /images/prune',
      ].sort(),
    );
    for (const route of routes) {
      if (route.RouteKey === 'GET /health') {
        expect(route.AuthorizationType).toBeUndefined();
      } else {
        expect({
          route: route.RouteKey,
          type: route.AuthorizationType,
          scopes: route.AuthorizationScopes,
        }).toEqual({
          route: route.RouteKey,
          type: 'JWT',
          scopes: ['cloudboot/environments'],
        });
      }
    }
  });

  it('allows RunInstances only through the launch template with request tags, and stop/start/terminate only on cloudboot instances', () => {
    const statements = resourcesOfType('AWS::IAM::Role').flatMap(([, role]) => statementsOf(role));
    const onInstances = (statement: Statement) => JSON.stringify(statement.Resource).includes(':instance/');
    const runInstances = statements.filter(
      (st) => actionsOf(st).includes('ec2:RunInstances') && onInstances(st),
    );
    expect(runInstances.length).toBeGreaterThan(0);
    for (const statement of runInstances) {
      expect(statement.Condition?.ArnLike?.['ec2:LaunchTemplate']).toBeDefined();
      expect(statement.Condition?.StringEquals).toMatchObject({ 'aws:RequestTag/ManagedBy': 'cloudboot' });
    }
    const lifecycle = statements.filter((st) =>
      actionsOf(st).some((action) =>
        ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:TerminateInstances'].includes(action),
      ),
    );
    expect(lifecycle.length).toBeGreaterThanOrEqual(3);
    for (const statement of lifecycle) {
      expect(statement.Condition?.StringEquals).toMatchObject({
        'ec2:ResourceTag/ManagedBy': 'cloudboot',
        'ec2:ResourceTag/cloudboot:stage': 'test',
      });
    }
  });

  it('fails packaging with a bad param, naming it', async () => {
    const badDir = mkdtempSync(path.join(tmpdir(), 'cloudboot-package-bad-'));
    try {
      const failure = await packageService(badDir, { params: { buildSchedule: 'cron(0 3 * *)' } }).then(
        () => 'packaged',
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
      expect(failure).toContain('param "buildSchedule"');
    } finally {
      rmSync(badDir, { recursive: true, force: true });
    }
  }, 60_000);
});
