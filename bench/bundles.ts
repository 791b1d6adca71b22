/**
 * Bundle size and cold module-load time of every Lambda, each next to a bundle that holds only the AWS SDK
 * clients that function uses. Both are built with the production esbuild settings and loaded alternately in
 * fresh Node processes, so the ratio is measured side by side.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '..');

export interface FunctionBundleFigures {
  function: string;
  bytes: number;
  sdkOnlyBytes: number;
  sizeRatio: number;
  loadMs: number;
  sdkOnlyLoadMs: number;
  loadRatio: number;
  sdkClients: string[];
}

/** Every `handler:` declared in the functions' serverless.yml fragments. */
export const declaredHandlers = (): { name: string; entry: string }[] =>
  readdirSync(path.join(root, 'functions'))
    .map((dir) => path.join(root, 'functions', dir, 'serverless.yml'))
    .filter((file) => {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    })
    .flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(/^([A-Za-z0-9]+):\n(?:\s+.*\n)*?\s+handler: (\S+)\.handler/gm),
      ].map((match) => ({ name: match[1] ?? '', entry: path.join(root, `${match[2]}.ts`) })),
    );

const bundle = async (entry: string, outfile: string): Promise<string[]> => {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    metafile: true,
    logLevel: 'silent',
    tsconfig: path.join(root, 'tsconfig.json'),
  });
  // Only the modules that kept code in the output: an import esbuild tree-shook away does not count.
  return Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file),
  );
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Time to require a bundle in a fresh process (process start excluded). */
const loadTime = (file: string): number => {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(
    execFileSync(process.execPath, ['-e', script], {
      env: {
        ...process.env,
        AWS_REGION: 'eu-west-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    }).toString(),
  );
};

const clientClassName: Record<string, string> = {
  'client-ec2': 'EC2Client',
  'client-imagebuilder': 'ImagebuilderClient',
  'client-sfn': 'SFNClient',
  'client-sns': 'SNSClient',
  'client-ssm': 'SSMClient',
};

export const benchBundles = async ({
  rounds = 5,
}: {
  rounds?: number;
} = {}): Promise<FunctionBundleFigures[]> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudboot-bench-'));
  // The handlers read their settings at load time, as in Lambda.
  const env = {
    IMAGE_PIPELINE_ARN: 'arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/bench',
    WATCHER_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:bench',
    STAGE: 'bench',
    NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:bench',
    BUILD_LOG_GROUP: '/aws/imagebuilder/bench',
  };
  Object.assign(process.env, env);
  try {
    const figures: FunctionBundleFigures[] = [];
    for (const { name, entry } of declaredHandlers()) {
      const fnFile = path.join(dir, `${name}.js`);
      const inputs = await bundle(entry, fnFile);
      const clients = [
        ...new Set(inputs.flatMap((input) => /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input)?.[1] ?? [])),
      ];
      const sdkEntry = path.join(dir, `${name}.sdk.ts`);
      writeFileSync(
        sdkEntry,
        clients
          .map((client, i) => {
            const className = clientClassName[client] ?? 'Client';
            return `import { ${className} as C${i} } from '${path.join(root, 'node_modules/@aws-sdk', client)}';\nexport const c${i} = new C${i}({});`;
          })
          .join('\n'),
      );
      const sdkFile = path.join(dir, `${name}.sdk.js`);
      await bundle(sdkEntry, sdkFile);
      const fnTimes: number[] = [];
      const sdkTimes: number[] = [];
      for (let round = 0; round < rounds; round++) {
        fnTimes.push(loadTime(fnFile));
        sdkTimes.push(loadTime(sdkFile));
      }
      const bytes = statSync(fnFile).size;
      const sdkOnlyBytes = statSync(sdkFile).size;
      figures.push({
        function: name,
        bytes,
        sdkOnlyBytes,
        sizeRatio: bytes / sdkOnlyBytes,
        loadMs: median(fnTimes),
        sdkOnlyLoadMs: median(sdkTimes),
        loadRatio: median(fnTimes) / median(sdkTimes),
        sdkClients: clients,
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
