/**
 * API benchmarks with the AWS SDK mocked (aws-sdk-client-mock):
 * - sequential AWS round trips on the create path (warm image cache), measured from call start/end times with
 *   an artificial 5 ms latency per call (calls that overlap count as one round);
 * - handler overhead per request (middlewares + validation + domain, SDK answering instantly) at p50/p99.
 *
 * Run: npx tsx -e "import('./bench/api.ts').then(m=>m.benchApi()).then(console.log)"
 *
 * Deliberately free of `import`/`export` statements: this package is CommonJS, so tsx loads a .ts file it is
 * given by `import()` as CommonJS, and Node exposes a named export only when it is written `exports.x = …`
 * (esbuild's ESM→CJS output hides them). Runtime modules are required inside the function; types come from
 * `typeof import(...)`.
 */

const BENCH_AMI = 'ami-0123456789abcdef0';
const BENCH_INSTANCE_ID = 'i-0123456789abcdef0';

const benchEvent = (
  method: string,
  path: string,
  options: { body?: unknown; id?: string } = {},
): import('aws-lambda').APIGatewayProxyEventV2WithJWTAuthorizer =>
  ({
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    isBase64Encoded: false,
    pathParameters: options.id ? { id: options.id } : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench',
      domainPrefix: 'bench',
      requestId: 'bench',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: { sub: 'alice' }, scopes: ['api'] },
      },
    },
  }) as import('aws-lambda').APIGatewayProxyEventV2WithJWTAuthorizer;

const benchPercentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const benchRound3 = (value: number) => Math.round(value * 1000) / 1000;

interface BenchCallSpan {
  command: string;
  start: number;
  end: number;
}

/** Calls that start before every earlier call has ended run in the same round. */
const benchSequentialRounds = (spans: BenchCallSpan[]): number => {
  let rounds = 0;
  let frontier = Number.NEGATIVE_INFINITY;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start >= frontier) rounds += 1;
    frontier = Math.max(frontier, span.end);
  }
  return rounds;
};

async function benchApi(): Promise<Record<string, unknown>> {
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    STAGE: 'bench',
    AMI_PARAMETER_NAME: '/cloudboot/bench/ami/current',
    LAUNCH_TEMPLATE_ID: 'lt-0123456789abcdef0',
    ALLOWED_INSTANCE_TYPES: 't3.medium,t3.large',
    ENVIRONMENT_QUOTA: '1000000',
    IMAGE_STALE_AFTER_DAYS: '2',
    IMAGE_CACHE_TTL_SECONDS: '3600',
  });
  const { performance } = require('node:perf_hooks') as typeof import('node:perf_hooks');
  const { setTimeout: sleep } = require('node:timers/promises') as typeof import('node:timers/promises');
  const { DescribeInstancesCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } =
    require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
  const { GetParameterCommand, GetParameterHistoryCommand, SSMClient } =
    require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm');
  const { mockClient } = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
  const ec2Mock = mockClient(EC2Client);
  const ssmMock = mockClient(SSMClient);
  const context = {} as import('aws-lambda').Context;
  const create =
    require('../functions/environments/handlers/create') as typeof import('../functions/environments/handlers/create');
  const list =
    require('../functions/environments/handlers/list') as typeof import('../functions/environments/handlers/list');
  const get =
    require('../functions/environments/handlers/get') as typeof import('../functions/environments/handlers/get');

  const launched: import('@aws-sdk/client-ec2').Instance = {
    InstanceId: BENCH_INSTANCE_ID,
    InstanceType: 't3.medium',
    ImageId: BENCH_AMI,
    LaunchTime: new Date(Date.now() - 60_000),
    State: { Name: 'running' },
    Tags: [
      { Key: 'cloudboot:owner', Value: 'alice' },
      { Key: 'cloudboot:name', Value: 'bench' },
    ],
  };
  let latencyMs = 0;
  const spans: BenchCallSpan[] = [];
  const timed =
    <T>(command: string, answer: () => T) =>
    async (): Promise<T> => {
      const span = { command, start: performance.now(), end: 0 };
      if (latencyMs > 0) await sleep(latencyMs);
      span.end = performance.now();
      spans.push(span);
      return answer();
    };
  ssmMock.on(GetParameterCommand).callsFake(
    timed('GetParameter', () => ({
      Parameter: { Value: BENCH_AMI, Version: 1, LastModifiedDate: new Date() },
    })),
  );
  ssmMock
    .on(GetParameterHistoryCommand)
    .callsFake(
      timed('GetParameterHistory', () => ({ Parameters: [{ Version: 1, Labels: ['build-2030-01-01'] }] })),
    );
  ec2Mock.on(DescribeInstancesCommand).callsFake(timed('DescribeInstances', () => ({ Reservations: [] })));
  ec2Mock.on(RunInstancesCommand).callsFake(timed('RunInstances', () => ({ Instances: [launched] })));
  ec2Mock.on(TerminateInstancesCommand).callsFake(timed('TerminateInstances', () => ({})));

  // Round trips: one cold create (fills the image cache), then one warm create.
  latencyMs = 5;
  await create.handler(benchEvent('POST', '/environments', { body: {} }), context);
  const coldSpans = spans.splice(0);
  const warm = await create.handler(benchEvent('POST', '/environments', { body: {} }), context);
  const warmSpans = spans.splice(0);
  latencyMs = 0;

  const overhead = async (name: string, invoke: () => Promise<unknown>, requests = 500) => {
    for (let i = 0; i < 20; i++) await invoke(); // warm-up (JIT, caches)
    const samples: number[] = [];
    for (let i = 0; i < requests; i++) {
      const start = performance.now();
      await invoke();
      samples.push(performance.now() - start);
    }
    spans.length = 0;
    samples.sort((a, b) => a - b);
    return {
      [name]: {
        requests,
        p50Ms: benchRound3(benchPercentile(samples, 50)),
        p99Ms: benchRound3(benchPercentile(samples, 99)),
      },
    };
  };

  ec2Mock.on(DescribeInstancesCommand).callsFake(timed('DescribeInstances', () => ({ Reservations: [] })));
  const createOverhead = await overhead('create', () =>
    create.handler(benchEvent('POST', '/environments', { body: { instanceType: 't3.medium' } }), context),
  );
  ec2Mock
    .on(DescribeInstancesCommand)
    .callsFake(timed('DescribeInstances', () => ({ Reservations: [{ Instances: [launched] }] })));
  const listOverhead = await overhead('list', () =>
    list.handler(benchEvent('GET', '/environments'), context),
  );
  const getOverhead = await overhead('get', () =>
    get.handler(benchEvent('GET', '/environments/{id}', { id: BENCH_INSTANCE_ID }), context),
  );

  ec2Mock.restore();
  ssmMock.restore();
  return {
    createStatus: (warm as { statusCode: number }).statusCode,
    createSequentialAwsCallsWarmCache: benchSequentialRounds(warmSpans),
    createAwsCallsWarmCache: warmSpans.map((span) => span.command),
    createSequentialAwsCallsColdCache: benchSequentialRounds(coldSpans),
    createAwsCallsColdCache: coldSpans.map((span) => span.command),
    createSequentialTarget: 2,
    note:
      'create = DescribeInstances (idempotency+quota+name, in parallel with the cached image read) → RunInstances → ' +
      'DescribeInstances (reconcile concurrent launches). The third round is what makes quota/name/idempotency ' +
      'hold under concurrent requests without a database; an Idempotency-Key replay takes 1 round.',
    handlerOverhead: { ...createOverhead, ...listOverhead, ...getOverhead },
  };
}

exports.benchApi = benchApi;
