/**
 * Reads serverless.yml the way the local stack needs it: the params of a stage, and every function with its
 * handler, environment and HTTP routes, so the local stack runs exactly what would be deployed.
 *
 * Only the variable forms this project uses are resolved: ${param:x}, ${sls:stage}, ${self:custom.x},
 * ${file(functions/x/serverless.yml)} in the functions list, and the CloudFormation intrinsics !Ref, !GetAtt and
 * !Sub, which are looked up in a table of the local stand-ins for the stack's resources.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type Tags } from 'yaml';

export const repoRoot = path.resolve(__dirname, '..');

/** A CloudFormation intrinsic as found in the YAML (short form). */
export interface Intrinsic {
  intrinsic: 'Ref' | 'GetAtt' | 'Sub' | 'If' | 'Not' | 'Equals';
  value: unknown;
}

const intrinsicTag = (tag: string, intrinsic: Intrinsic['intrinsic']) => ({
  tag: `!${tag}`,
  resolve: (value: unknown): Intrinsic => ({ intrinsic, value }),
});
const customTags: Tags = [
  intrinsicTag('Ref', 'Ref'),
  intrinsicTag('GetAtt', 'GetAtt'),
  intrinsicTag('Sub', 'Sub'),
  { ...intrinsicTag('If', 'If'), collection: 'seq' },
  { ...intrinsicTag('Not', 'Not'), collection: 'seq' },
  { ...intrinsicTag('Equals', 'Equals'), collection: 'seq' },
];

export const readYaml = (file: string): unknown =>
  parse(readFileSync(path.join(repoRoot, file), 'utf8'), { customTags, uniqueKeys: false });

export interface HttpRoute {
  method: string;
  path: string;
  authorized: boolean;
  scopes: string[];
}

export interface FunctionConfig {
  name: string;
  /** e.g. `functions/builds/trigger.handler` */
  handler: string;
  environment: Record<string, unknown>;
  routes: HttpRoute[];
  schedule?: string;
  raw: Record<string, unknown>;
}

export interface ServerlessConfig {
  /** Resolves ${param:…}, ${sls:stage} and ${self:custom.…} in any value read from the project's YAML. */
  resolve: (value: unknown) => unknown;
  params: Record<string, unknown>;
  custom: Record<string, unknown>;
  providerEnvironment: Record<string, unknown>;
  functions: FunctionConfig[];
}

type Resolver = (value: unknown) => unknown;

/** Replaces ${…} variables in strings, recursively through objects and arrays. */
const substitute = (value: unknown, lookup: (expression: string) => unknown): unknown => {
  if (typeof value === 'string') {
    const whole = /^\$\{((?:param|sls|self|opt|file\(\.\/config\/params\.js\)):[^{}]+)\}$/.exec(value);
    if (whole?.[1]) return substitute(lookup(whole[1]), lookup);
    return value.replace(/\$\{((?:param|sls|self|opt):[^{}]+)\}/g, (_, expression: string) =>
      String(substitute(lookup(expression), lookup)),
    );
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, lookup));
  if (value && typeof value === 'object') {
    if ('intrinsic' in value) {
      const intrinsic = value as Intrinsic;
      return { ...intrinsic, value: substitute(intrinsic.value, lookup) };
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, lookup)]));
  }
  return value;
};

export const loadServerlessConfig = (stage: string): ServerlessConfig => {
  const root = readYaml('serverless.yml') as {
    params: Record<string, Record<string, unknown>>;
    custom: Record<string, unknown>;
    provider: { environment?: Record<string, unknown> };
    functions: string[];
  };
  const params: Record<string, unknown> = { ...root.params.default, ...(root.params[stage] ?? {}) };
  const lookup = (expression: string): unknown => {
    const [source = '', address = ''] = expression.split(/:(.*)/s);
    if (source === 'sls' && address === 'stage') return stage;
    // config/params.js derives comma-separated strings from list params (e.g. devInstanceTypesCsv).
    const csvParam = source === 'file(./config/params.js)' ? /^(\w+)Csv$/.exec(address)?.[1] : undefined;
    if (csvParam) return ([] as unknown[]).concat(lookup(`param:${csvParam}`)).join(',');
    if (source === 'file(./config/params.js)' && address === 'maxWatchSeconds') {
      return String(Number(lookup('param:buildTimeoutMinutes')) * 60);
    }
    // Other package-time values (validation, component text) are not needed to run functions locally.
    if (source.startsWith('file(')) return null;
    if (source === 'param') {
      if (!(address in params)) throw new Error(`serverless.yml: unknown param "${address}"`);
      return params[address];
    }
    if (source === 'self' && address.startsWith('custom.')) {
      return address
        .slice('custom.'.length)
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root.custom);
    }
    throw new Error(`serverless.yml: the local stack cannot resolve \${${expression}}`);
  };
  const resolve: Resolver = (value) => substitute(value, lookup);
  const resolvedParams = resolve(params) as Record<string, unknown>;

  const functions = root.functions.flatMap((entry) => {
    const file = /^\$\{file\(([^)]+)\)\}$/.exec(entry)?.[1];
    if (!file)
      throw new Error(`serverless.yml: functions entries must be \${file(...)} fragments, got ${entry}`);
    const fragment = readYaml(file) as Record<string, Record<string, unknown>>;
    return Object.entries(fragment).map(([name, config]): FunctionConfig => {
      const resolved = resolve(config) as Record<string, unknown>;
      const events = (resolved.events ?? []) as Record<string, Record<string, unknown>>[];
      const routes = events.flatMap((event) => {
        const http = event.httpApi;
        if (!http) return [];
        const authorizer = http.authorizer as { scopes?: string[] } | undefined;
        return [
          {
            method: String(http.method).toUpperCase(),
            path: String(http.path),
            authorized: authorizer !== undefined,
            scopes: authorizer?.scopes ?? [],
          },
        ];
      });
      const schedule = events.find((event) => event.schedule)?.schedule?.rate;
      return {
        name,
        handler: String(resolved.handler),
        environment: (resolved.environment ?? {}) as Record<string, unknown>,
        routes,
        schedule: Array.isArray(schedule) ? String(schedule[0]) : (schedule as string | undefined),
        raw: resolved,
      };
    });
  });

  return {
    resolve,
    params: resolvedParams,
    custom: resolve(root.custom) as Record<string, unknown>,
    providerEnvironment: resolve(root.provider.environment ?? {}) as Record<string, unknown>,
    functions,
  };
};

/** Local values of the stack's resources, for !Ref / !GetAtt / !Sub in function environments. */
export interface LocalResources {
  region: string;
  accountId: string;
  refs: Record<string, string>;
  attributes: Record<string, string>;
}

export const resolveIntrinsics = (value: unknown, resources: LocalResources): string => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, resources)).join(',');
  const intrinsic = value as Intrinsic;
  if (intrinsic?.intrinsic === 'Ref') {
    const ref = resources.refs[String(intrinsic.value)];
    if (ref === undefined) throw new Error(`local stack: no local value for !Ref ${String(intrinsic.value)}`);
    return ref;
  }
  if (intrinsic?.intrinsic === 'GetAtt') {
    const attribute = resources.attributes[String(intrinsic.value)];
    if (attribute === undefined)
      throw new Error(`local stack: no local value for !GetAtt ${String(intrinsic.value)}`);
    return attribute;
  }
  if (intrinsic?.intrinsic === 'Sub') {
    const pseudo: Record<string, string> = {
      'AWS::Region': resources.region,
      'AWS::AccountId': resources.accountId,
      'AWS::Partition': 'aws',
    };
    return String(intrinsic.value).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const replacement = pseudo[name] ?? resources.refs[name] ?? resources.attributes[name];
      if (replacement === undefined) throw new Error(`local stack: no local value for \${${name}} in !Sub`);
      return replacement;
    });
  }
  throw new Error(`local stack: unsupported value in a function environment: ${JSON.stringify(value)}`);
};
