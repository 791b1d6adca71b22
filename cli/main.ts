/**
 * `cloudboot`: the developer CLI for the cloudboot API. `main` runs one invocation and resolves to its exit
 * status (0 ok, 1 failed, 2 usage error) without touching process state, so tests run it in-process.
 */
import { Command, CommanderError } from 'commander';
import { registerBuildCommands } from './commands/builds';
import { registerComponentCommands } from './commands/components';
import { registerEnvironmentCommands } from './commands/environments';
import { registerImageCommands } from './commands/images';
import { registerTokenCommand } from './commands/token';
import { CliError, ReportedFailure } from './errors';
import { type CliIo, colorsFor, processIo } from './io';

export type { CliIo } from './io';

const EXAMPLES = `
Examples:
  export CLOUDBOOT_TOKEN=$(npx cloudboot token alice)
  npx cloudboot env create --name dev --wait
  npx cloudboot env list

Environment:
  CLOUDBOOT_API_URL  API base URL (default http://127.0.0.1:$PORT, PORT defaults to 3000)
  CLOUDBOOT_TOKEN    bearer token sent to the API
  NO_COLOR           disable colors`;

/** Asked-for help and version; every other CommanderError is a usage error (help was already printed). */
const SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

export const buildProgram = (io: CliIo): Command => {
  const program = new Command('cloudboot')
    .description('cloudboot: nightly-baked dev-environment images and your dev machines')
    .option('--api <url>', 'API base URL (overrides CLOUDBOOT_API_URL)')
    .option('--token <token>', 'bearer token (overrides CLOUDBOOT_TOKEN)')
    .option('--json', 'machine-readable JSON on stdout')
    .addHelpText('after', EXAMPLES)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text),
    })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride();
  // Settings above are inherited by every subcommand created from here on.
  registerTokenCommand(program, io);
  registerEnvironmentCommands(program, io);
  registerImageCommands(program, io);
  registerBuildCommands(program, io);
  registerComponentCommands(program, io);
  return program;
};

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return SUCCESS_CODES.has(error.code) ? 0 : 2;
    }
    if (error instanceof ReportedFailure) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${colorsFor(io).red('error:')} ${message}\n`);
    if (error instanceof CliError) return error.exitCode;
    return 1;
  }
}
