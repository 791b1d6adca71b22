/**
 * API benchmarks with the AWS SDK mocked (aws-sdk-client-mock):
 * - sequential AWS round trips on the create path (warm image cache), measured from call start/end times with
 *   an artificial 5 ms latency per call (calls that overlap count as one round);
 * - handler overhead per request (middlewares + validation + domain, SDK answering instantly) at p50/p99.
 *
 * The handlers are bundled with esbuild first, as they are deployed (middy is ESM-only and cannot be required
 * from source under tsx). The SDK stays external, so the bundles share the client classes mocked here.
 *
 * Run: npx tsx -e "require('./bench/api').benchApi().then(console.log)"
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(__dirname, '..');

type ApiLambda = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<unknown>;

/** Resolves `@aws-sdk/*` to the very files this process loads, so aws-sdk-client-mock reaches the bundles. */
const sharedSdk: Plugin = {
  name: 'shared-sdk',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\// }, (args) => ({
      path: require.resolve(args.path),
      external: true,
    }));
  },
};

/** Bundles the given handlers (cjs, node) into a temp dir and loads them; the dir is removed once loaded. */
const loadBundledHandlers = async <Name extends string>(
  entries: Record<Name, string>,
): Promise<Record<Name, ApiLambda>> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudboot-bench-api-'));
  try {
    // The async API: esbuild runs plugins only there.
    await build({
      entryPoints: Object.entries<string>(entries).map(([out, entry]) => ({
        out,
        in: path.join(root, entry),
      })),
      outdir: dir,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
      tsconfig: path.join(root, 'tsconfig.json'),
      plugins: [sharedSdk],
    });
    const handlers = {} as Record<Name, ApiLambda>;
    for (const name of Object.keys(entries) as Name[]) {
      handlers[name] = (require(path.join(dir, `${name}.js`)) as { handler: ApiLambda }).handler;
    }
    return handlers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const BENCH_AMI = 'ami-0123456789abcdef0';
const BENCH_INSTANCE_ID = 'i-0123456789abcdef0';

const benchEvent = (
  method: string,
  path: string,
  options: { body?: unknown; id?: string } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer =>
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
  }) as APIGatewayProxyEventV2WithJWTAuthorizer;

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

export const benchApi = async (): Promise<Record<string, unknown>> => {
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
  const ec2Mock = mockClient(EC2Client);
  const ssmMock = mockClient(SSMClient);
  const context = {} as Context;
  const { create, list, get } = await loadBundledHandlers({
    create: 'functions/environments/handlers/create.ts',
    list: 'functions/environments/handlers/list.ts',
    get: 'functions/environments/handlers/get.ts',
  });

  const launched: Instance = {
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
  await create(benchEvent('POST', '/environments', { body: {} }), context);
  const coldSpans = spans.splice(0);
  const warm = await create(benchEvent('POST', '/environments', { body: {} }), context);
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
    create(benchEvent('POST', '/environments', { body: { instanceType: 't3.medium' } }), context),
  );
  ec2Mock
    .on(DescribeInstancesCommand)
    .callsFake(timed('DescribeInstances', () => ({ Reservations: [{ Instances: [launched] }] })));
  const listOverhead = await overhead('list', () => list(benchEvent('GET', '/environments'), context));
  const getOverhead = await overhead('get', () =>
    get(benchEvent('GET', '/environments/{id}', { id: BENCH_INSTANCE_ID }), context),
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
};
