/** `cloudboot env …`: your dev machines. */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { confirm } from '../confirm';
import { type Context, createContext } from '../context';
import { CliError, UsageError } from '../errors';
import { formatDuration, keyValues, table } from '../format';
import type { CliIo } from '../io';
import { createProgress, pollInterval, sleep } from '../progress';
import { type Environment, EnvironmentListSchema, EnvironmentSchema } from '../schemas';

const WAIT_TIMEOUT_MS = 10 * 60 * 1000;
/** States an environment never comes back from to `running`. */
const DEAD_STATES = new Set(['shutting-down', 'terminated']);

interface CreateOptions {
  name?: string;
  type?: string;
  image?: string;
  idempotencyKey?: string;
  wait?: boolean;
}

const path = (id: string, suffix = '') => `/environments/${encodeURIComponent(id)}${suffix}`;

const describe = (environment: Environment) =>
  environment.name ? `${environment.id} (${environment.name})` : environment.id;

const details = (environment: Environment): string =>
  keyValues([
    ['id', environment.id],
    ['name', environment.name],
    ['owner', environment.owner],
    ['state', environment.state],
    ['type', environment.instanceType],
    ['ami', environment.amiId],
    ['image', environment.imageLabel],
    ['created', environment.createdAt],
    ['connect', environment.connect],
  ]);

export const createEnvironment = async (context: Context, options: CreateOptions): Promise<void> => {
  // Always send a key: if the connection drops after the API received the request, re-running with the same
  // key returns the environment already created instead of launching (and paying for) a second one.
  const key = options.idempotencyKey ?? randomUUID();
  const created = await context.api.request('POST', '/environments', EnvironmentSchema, {
    body: { name: options.name, instanceType: options.type, image: options.image },
    headers: { 'Idempotency-Key': key },
    networkHint: `If the request got through, re-run with --idempotency-key ${key} to avoid a second environment.`,
  });
  for (const warning of created.warnings ?? []) context.warn(warning);

  if (!options.wait) {
    context.result(created, () =>
      keyValues([
        ['id', created.id],
        ['name', created.name],
        ['state', created.state],
        ['connect', created.connect],
      ]),
    );
    return;
  }
  context.print(`Created ${describe(created)}: ${created.state}`);
  const running = await waitUntilRunning(context, created);
  context.result({ ...running, ...(created.warnings ? { warnings: created.warnings } : {}) }, () =>
    [
      `${context.colors.green('✓')} ${describe(running)} is running. Connect with:`,
      `  ${running.connect}`,
    ].join('\n'),
  );
};

const waitUntilRunning = async (context: Context, created: Environment): Promise<Environment> => {
  const progress = createProgress(context.io);
  const started = Date.now();
  const interval = pollInterval(context.io.env);
  let environment = created;
  let lastState = '';
  try {
    for (;;) {
      if (environment.state !== lastState) {
        lastState = environment.state;
        if (!context.io.isTTY) progress.line(`${environment.id} ${environment.state}`);
      }
      const current = environment;
      progress.live(
        () =>
          `Waiting for ${describe(current)} to run: ${current.state} ${formatDuration((Date.now() - started) / 1000)}`,
      );
      if (environment.state === 'running') return environment;
      if (DEAD_STATES.has(environment.state)) {
        throw new CliError(`${describe(environment)} is ${environment.state}; it will not start`);
      }
      if (Date.now() - started > WAIT_TIMEOUT_MS) {
        throw new CliError(
          `${describe(environment)} is still ${environment.state} after ${formatDuration(WAIT_TIMEOUT_MS / 1000)}; check it with: cloudboot env show ${environment.id}`,
        );
      }
      await sleep(interval);
      environment = await context.api.request('GET', path(environment.id), EnvironmentSchema);
    }
  } finally {
    progress.stop();
  }
};

export const listEnvironments = async (context: Context, options: { all?: boolean }): Promise<void> => {
  const list = await context.api.request(
    'GET',
    options.all ? '/environments?all=true' : '/environments',
    EnvironmentListSchema,
  );
  context.result(list, () => {
    if (list.environments.length === 0) return 'No environments. Create one with: cloudboot env create';
    const headers = options.all
      ? ['ID', 'NAME', 'OWNER', 'STATE', 'TYPE', 'IMAGE', 'CREATED']
      : ['ID', 'NAME', 'STATE', 'TYPE', 'IMAGE', 'CREATED'];
    const rows = list.environments.map((environment) => [
      environment.id,
      environment.name || '-',
      ...(options.all ? [environment.owner ?? '-'] : []),
      environment.state,
      environment.instanceType ?? '-',
      environment.imageLabel ?? environment.amiId ?? '-',
      environment.createdAt ?? '-',
    ]);
    return table(headers, rows);
  });
};

export const showEnvironment = async (context: Context, id: string): Promise<void> => {
  const environment = await context.api.request('GET', path(id), EnvironmentSchema);
  context.result(environment, () => details(environment));
};

export const changeState = async (context: Context, id: string, verb: 'stop' | 'start'): Promise<void> => {
  const environment = await context.api.request('POST', path(id, `/${verb}`), EnvironmentSchema);
  const doing = verb === 'stop' ? 'Stopping' : 'Starting';
  context.result(environment, () => `${doing} ${describe(environment)}: ${environment.state}`);
};

export const removeEnvironment = async (context: Context, id: string, options: { yes?: boolean }) => {
  if (!options.yes) {
    if (!context.io.isTTY) {
      throw new UsageError(`refusing to terminate ${id} without confirmation: pass --yes (not a terminal)`);
    }
    const environment = await context.api.request('GET', path(id), EnvironmentSchema);
    if (!(await confirm(context.io, `Terminate ${describe(environment)}?`))) {
      context.print('Not terminated.');
      return;
    }
  }
  const environment = await context.api.request('DELETE', path(id), EnvironmentSchema);
  context.result(environment, () => `Terminating ${describe(environment)}: ${environment.state}`);
};

export const registerEnvironmentCommands = (program: Command, io: CliIo): void => {
  const env = program
    .command('env')
    .description('your dev environments (EC2 machines from the nightly image)');

  env
    .command('create')
    .description('create an environment from the current (or a pinned) nightly image')
    .option('--name <name>', 'unique among your environments (generated when omitted)')
    .option('--type <instanceType>', 'instance type (one of the allowed types)')
    .option('--image <label>', 'pin an older nightly image by its date label, e.g. 2026-12-03')
    .option('--idempotency-key <key>', 'the same key returns the same environment instead of a second one')
    .option('--wait', 'wait until it runs, then print how to connect')
    .action((options: CreateOptions, command: Command) =>
      createEnvironment(createContext(io, command), options),
    );

  env
    .command('list')
    .alias('ls')
    .description('list your environments')
    .option('--all', "every owner's environments (admins)")
    .action((options: { all?: boolean }, command: Command) =>
      listEnvironments(createContext(io, command), options),
    );

  env
    .command('show')
    .description('show one environment')
    .argument('<id>', 'environment id (i-…)')
    .action((id: string, _options: unknown, command: Command) =>
      showEnvironment(createContext(io, command), id),
    );

  for (const verb of ['stop', 'start'] as const) {
    env
      .command(verb)
      .description(`${verb} an environment`)
      .argument('<id>', 'environment id (i-…)')
      .action((id: string, _options: unknown, command: Command) =>
        changeState(createContext(io, command), id, verb),
      );
  }

  env
    .command('rm')
    .description('terminate an environment (asks first unless --yes)')
    .argument('<id>', 'environment id (i-…)')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, options: { yes?: boolean }, command: Command) =>
      removeEnvironment(createContext(io, command), id, options),
    );
};
