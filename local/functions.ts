/**
 * Loads every function declared in serverless.yml the way Lambda would run it: each handler is bundled with
 * esbuild (the deployment settings: one self-contained CommonJS file per function, SDK included), then loaded
 * in its own module scope, so module-level state such as caches and clients is per function, as in Lambda.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import type { LambdaHandler } from '../emulators/lambda';
import { type FunctionConfig, repoRoot } from './serverless-config';

export interface LoadedFunction {
  config: FunctionConfig;
  handler: LambdaHandler;
}

export const bundleFunctions = (functions: FunctionConfig[], outDir: string): Map<string, string> => {
  mkdirSync(outDir, { recursive: true });
  const entryPoints = functions.map((fn) => {
    const [modulePath, exportName] = fn.handler.split(/\.(?=[^.]+$)/);
    if (!modulePath || exportName !== 'handler') {
      throw new Error(`${fn.name}: handler must be "path/to/file.handler", got ${fn.handler}`);
    }
    return { in: path.join(repoRoot, `${modulePath}.ts`), out: fn.name };
  });
  // One esbuild run for all functions: each entry still becomes its own self-contained bundle.
  buildSync({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'error',
    tsconfig: path.join(repoRoot, 'tsconfig.json'),
  });
  return new Map(functions.map((fn) => [fn.name, path.join(outDir, `${fn.name}.js`)]));
};

/** Requires each bundle. Call after process.env holds the functions' settings: handlers read them at load. */
export const loadFunctions = (
  functions: FunctionConfig[],
  bundles: Map<string, string>,
): Map<string, LoadedFunction> => {
  const loaded = new Map<string, LoadedFunction>();
  for (const config of functions) {
    const file = bundles.get(config.name);
    if (!file) throw new Error(`${config.name} was not bundled`);
    const module = require(file) as { handler?: LambdaHandler };
    if (typeof module.handler !== 'function') throw new Error(`${config.name}: ${file} exports no handler`);
    loaded.set(config.name, { config, handler: module.handler });
  }
  return loaded;
};
