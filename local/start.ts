/**
 * `npm start`: the whole of cloudboot on one machine, with no AWS account.
 *
 * moto_server stands in for EC2, SSM and SNS; the project's emulators for Image Builder and Step Functions.
 * The functions declared in serverless.yml run as bundled handlers with the environment the template gives
 * them; the HTTP API is served with API Gateway's event shape and JWT checks; the nightly schedule fires as the
 * EventBridge rule would, plus once at start. Ctrl-C (or SIGTERM) stops everything this process started.
 */
import '../emulators/polyfills';
import path from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { SNSClient } from '@aws-sdk/client-sns';
import { startImageBuilderEmulator } from '../emulators/imagebuilder';
import { invokeLikeLambda } from '../emulators/lambda';
import { MotoNotInstalledError, motoEndpointEnv, startMoto } from '../emulators/moto';
import { assertPortFree, PortInUseError } from '../emulators/ports';
import { startStepFunctionsEmulator } from '../emulators/stepfunctions';
import { createLocalIssuer } from './auth';
import { createDisplay } from './display';
import { bundleFunctions, type LoadedFunction, loadFunctions } from './functions';
import { createLocalApi, type LocalRoute } from './http-api';
import { parseSchedule } from './schedule';
import { seedResources } from './seed';
import { loadServerlessConfig, repoRoot, resolveIntrinsics } from './serverless-config';
import { startSnsTap } from './sns-tap';

const ACCOUNT_ID = '123456789012'; // moto's default account

const portSetting = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return port;
};

const summarizeBuild = (output: Record<string, unknown>): string[] => {
  const watch = (output.watch ?? {}) as Record<string, unknown>;
  const publication = (output.publication ?? {}) as Record<string, unknown>;
  const prune = (output.prune ?? {}) as {
    kept?: { amiId: string; reasons: string[] }[];
    deleted?: { amiId: string }[];
    failed?: unknown[];
  };
  const lines = [
    `published ${String(watch.amiId ?? publication.amiId ?? '?')} → ${String(publication.parameterName ?? '')} version ${String(publication.parameterVersion ?? '?')} label ${String(publication.label ?? '-')}`,
    `pruning: kept ${prune.kept?.length ?? 0}, deleted ${prune.deleted?.length ?? 0}, failed ${prune.failed?.length ?? 0}`,
  ];
  for (const kept of prune.kept ?? []) lines.push(`  kept ${kept.amiId}: ${kept.reasons.join(', ')}`);
  for (const deleted of prune.deleted ?? []) lines.push(`  deleted ${deleted.amiId}`);
  return lines;
};

const main = async (): Promise<void> => {
  const stage = process.env.CLOUDBOOT_STAGE || 'local';
  const apiPort = portSetting('PORT', 3000);
  const awsPort = portSetting('CLOUDBOOT_AWS_PORT', 47100);
  const imagebuilderPort = portSetting('CLOUDBOOT_IMAGEBUILDER_PORT', 47101);
  const sfnPort = portSetting('CLOUDBOOT_SFN_PORT', 47102);
  const existingAws = process.env.CLOUDBOOT_AWS_ENDPOINT || undefined;
  const display = createDisplay();
  const url = `http://127.0.0.1:${apiPort}`;
  const tryIt = () =>
    [
      `API ${url}, try:`,
      `  export CLOUDBOOT_API_URL=${url} CLOUDBOOT_TOKEN=$(npx cloudboot token alice)`,
      '  npx cloudboot env create --wait && npx cloudboot env list',
    ].join('\n');
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    display.done();
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error('while stopping:', error);
      }
    }
    if (code === 0) console.log('cloudboot stopped: API, emulators and moto_server are down.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    // Every port is checked before anything starts, so a clash leaves nothing running.
    await assertPortFree(apiPort, 'PORT');
    await assertPortFree(imagebuilderPort, 'CLOUDBOOT_IMAGEBUILDER_PORT');
    await assertPortFree(sfnPort, 'CLOUDBOOT_SFN_PORT');
    if (!existingAws) await assertPortFree(awsPort, 'CLOUDBOOT_AWS_PORT');

    const config = loadServerlessConfig(stage);
    const region = String(config.params.region);
    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      // Never real credentials: everything local talks to emulators.
      AWS_ACCESS_KEY_ID: 'cloudboot-local',
      AWS_SECRET_ACCESS_KEY: 'cloudboot-local',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    display.info(
      existingAws ? `using AWS emulator at ${existingAws}` : `starting moto_server on 127.0.0.1:${awsPort}`,
    );
    let awsEndpoint: string;
    if (existingAws) {
      awsEndpoint = existingAws;
    } else {
      const moto = await startMoto({ port: awsPort });
      cleanups.push(() => moto.stop());
      awsEndpoint = moto.endpoint;
    }

    const handlers = new Map<string, LoadedFunction>();
    const invoke = (name: string, event: unknown) => {
      const fn = handlers.get(name);
      if (!fn) throw new Error(`function ${name} is not declared in serverless.yml`);
      return invokeLikeLambda(fn.handler, event, { functionName: `cloudboot-${stage}-${name}`, region });
    };

    const imagebuilder = await startImageBuilderEmulator({
      port: imagebuilderPort,
      region,
      accountId: ACCOUNT_ID,
      ec2Endpoint: awsEndpoint,
      logger: { warn: (message: string) => display.info(`image builder emulator: ${message}`) },
      onStateChange: async (event) => {
        display.phase(event.resources[0] ?? '', event.detail.state.status);
        // The EventBridge rule's target, as deployed.
        if (handlers.has('onImageStateChange')) await invoke('onImageStateChange', event);
      },
    });
    cleanups.push(() => imagebuilder.close());

    // SNS goes through a tap that prints what the team would receive by e-mail.
    let topicArn = '';
    const snsTap = await startSnsTap(awsEndpoint, (published) => {
      if (published.topicArn !== topicArn) return;
      display.info(`📣 SNS ${published.subject ?? '(no subject)'}\n${published.message}`);
    });
    cleanups.push(() => snsTap.close());
    Object.assign(process.env, motoEndpointEnv(awsEndpoint), {
      AWS_ENDPOINT_URL_SNS: snsTap.url,
      AWS_ENDPOINT_URL_IMAGEBUILDER: imagebuilder.url,
      // Known before the emulator starts: the functions read their endpoints when they load.
      AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${sfnPort}`,
    });
    const clientOptions = { region };
    const seeded = await seedResources(
      {
        ec2: new EC2Client(clientOptions),
        imagebuilder: new ImagebuilderClient(clientOptions),
        sns: new SNSClient(clientOptions),
      },
      config,
      { stage, region, accountId: ACCOUNT_ID },
    );
    topicArn = seeded.topicArn;

    // Each function's environment exactly as the template would set it, with the local resources' values.
    const resources = {
      region,
      accountId: ACCOUNT_ID,
      refs: {
        BuildNotificationsTopic: seeded.topicArn,
        DevInstanceLaunchTemplate: seeded.launchTemplateId,
        ImagePipeline: seeded.pipelineArn,
      },
      attributes: {
        'ImagePipeline.Arn': seeded.pipelineArn,
        'DevInstanceRole.Arn': `arn:aws:iam::${ACCOUNT_ID}:role/cloudboot-${stage}-dev-instance`,
        'DevInstanceProfile.Arn': `arn:aws:iam::${ACCOUNT_ID}:instance-profile/cloudboot-${stage}-dev-instance`,
        'BuildNotificationsTopic.TopicArn': seeded.topicArn,
      },
    };
    const environment = new Map<string, { value: string; from: string }>();
    for (const fn of config.functions) {
      for (const [name, raw] of Object.entries({ ...config.providerEnvironment, ...fn.environment })) {
        const value = resolveIntrinsics(raw, resources);
        const existing = environment.get(name);
        if (existing && existing.value !== value) {
          throw new Error(
            `${name} differs between ${existing.from} and ${fn.name}; the local stack shares one process`,
          );
        }
        environment.set(name, { value, from: fn.name });
      }
    }
    for (const [name, { value }] of environment) process.env[name] = value;
    // The stack's own lines say what happens; function logs only when something breaks (override to see more).
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

    display.info(`bundling ${config.functions.length} functions`);
    const bundles = bundleFunctions(config.functions, path.join(repoRoot, '.cloudboot', stage, 'functions'));
    for (const [name, fn] of loadFunctions(config.functions, bundles)) handlers.set(name, fn);

    const stepFunctions = await startStepFunctionsEmulator({
      port: sfnPort,
      region,
      accountId: ACCOUNT_ID,
      handlers: Object.fromEntries([...handlers].map(([name, fn]) => [name, fn.handler])),
      waitForTaskTokenTimeoutMs: 15_000,
      onEvent: (event, execution) => {
        if (event.type === 'ExecutionSucceeded') {
          display.info(`build watcher ${execution.name} succeeded`);
          for (const line of summarizeBuild((event.output ?? {}) as Record<string, unknown>))
            display.info(line);
          display.info(tryIt());
        } else if (event.type === 'ExecutionFailed') {
          display.info(`build watcher ${execution.name} failed: ${event.Error}`);
        }
      },
    });
    cleanups.push(() => stepFunctions.close());
    const watcherDefinition = path.join(repoRoot, 'statemachines', 'build-watcher.asl.yml');
    stepFunctions.emulator.registerStateMachine({
      name: String(config.custom.stateMachineName),
      definitionFile: watcherDefinition,
    });

    const issuer = await createLocalIssuer({
      issuer: `http://127.0.0.1:${apiPort}/local-issuer`,
      audience: String(config.params.jwtAudience),
      scope: String(config.params.apiScope),
      groupsClaim: String(config.params.groupsClaim),
      adminGroup: String(config.params.adminGroup),
    });
    const routes: LocalRoute[] = config.functions.flatMap((fn) =>
      fn.routes.map((route) => {
        const loaded = handlers.get(fn.name);
        if (!loaded) throw new Error(`${fn.name} was not loaded`);
        return { ...route, functionName: fn.name, handler: loaded.handler };
      }),
    );
    const api = createLocalApi({ routes, issuer, region });
    await new Promise<void>((resolve, reject) => {
      api.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new PortInUseError(apiPort, 'PORT') : error),
      );
      api.listen(apiPort, '127.0.0.1', () => resolve());
    });
    cleanups.push(() => new Promise<void>((resolve) => api.close(() => resolve())));
    api.closeAllConnections?.();

    // The EventBridge schedule, plus one build right away so a first image appears within a minute.
    const trigger = config.functions.find((fn) => fn.name === 'startNightlyBuild');
    const fireBuild = async (scheduledTime: Date) => {
      try {
        const result = (await invoke('startNightlyBuild', {
          version: '0',
          id: `local-${scheduledTime.getTime()}`,
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: ACCOUNT_ID,
          time: scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region,
          resources: [`arn:aws:events:${region}:${ACCOUNT_ID}:rule/cloudboot-${stage}-nightly`],
          detail: {},
        })) as { outcome: string; imageBuildVersionArn: string };
        display.info(`nightly trigger: ${result.outcome} ${result.imageBuildVersionArn}`);
      } catch (error) {
        display.info(`nightly trigger failed: ${(error as Error).name}: ${(error as Error).message}`);
      }
    };
    if (trigger?.schedule) {
      const schedule = parseSchedule(trigger.schedule);
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        const next = schedule.next(new Date());
        timer = setTimeout(
          () => {
            void fireBuild(next);
            arm();
          },
          Math.min(next.getTime() - Date.now(), 2 ** 31 - 1),
        );
        display.info(`next scheduled build: ${next.toISOString()} (${schedule.expression})`);
      };
      arm();
      cleanups.push(() => clearTimeout(timer));
    }

    display.info(
      [
        `cloudboot is running (stage ${stage})`,
        `  API                   ${url}   (GET /health)`,
        `  AWS emulator (moto)   ${awsEndpoint}`,
        `  Image Builder         ${imagebuilder.url}   (control: ${imagebuilder.url}/_emulator/...)`,
        `  Step Functions        ${stepFunctions.url}`,
        'Try:',
        `  export CLOUDBOOT_API_URL=${url} CLOUDBOOT_TOKEN=$(npx cloudboot token alice)`,
        '  npx cloudboot env create --wait && npx cloudboot env list',
        'Ctrl-C stops everything.',
      ].join('\n'),
    );
    void fireBuild(new Date(Math.floor(Date.now() / 60_000) * 60_000));
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof MotoNotInstalledError) {
      console.error(`cloudboot: ${error.message}`);
    } else {
      console.error('cloudboot: the local stack failed to start:', error);
    }
    await stop(1);
  }
};

void main();
