/**
 * Runs `serverless package` offline (osls; no AWS credentials needed) into a directory and returns the
 * CloudFormation template. Used by the template tests and the benchmark (bundle sizes).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = path.resolve(__dirname, '..');

export interface CloudFormationTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, unknown>;
}

export const packageEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // Packaging must never pick up real credentials or endpoints from the caller's shell.
  AWS_ACCESS_KEY_ID: 'packaging-offline',
  AWS_SECRET_ACCESS_KEY: 'packaging-offline',
});

export const packageService = async (
  outputDir: string,
  { stage = 'test', params = {} }: { stage?: string; params?: Record<string, string> } = {},
): Promise<CloudFormationTemplate> => {
  const args = [
    path.join(repoRoot, 'node_modules/osls/bin/serverless.js'),
    'package',
    '--stage',
    stage,
    '--package',
    outputDir,
    ...Object.entries(params).map(([name, value]) => `--param=${name}=${value}`),
  ];
  await run(process.execPath, args, { cwd: repoRoot, env: packageEnv(), maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(
    readFileSync(path.join(outputDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CloudFormationTemplate;
};
