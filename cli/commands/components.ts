/** `cloudboot components validate`: the AWSTOE document checker of tools/components, offline. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { formatIssue, validateComponentFile } from '../../tools/components/validate';
import { type Context, createContext } from '../context';
import { ReportedFailure, UsageError } from '../errors';
import type { CliIo } from '../io';

const COMPONENTS_DIRECTORY = 'components';

/** Same selection as `npm run components:validate`: the given files, else every components/*.yml. */
const selectFiles = (cwd: string, files: readonly string[]): string[] => {
  if (files.length > 0) {
    const missing = files.filter((file) => {
      const absolute = path.resolve(cwd, file);
      return !existsSync(absolute) || !statSync(absolute).isFile();
    });
    if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
    return [...files];
  }
  const directory = path.resolve(cwd, COMPONENTS_DIRECTORY);
  if (!existsSync(directory)) {
    throw new UsageError(`no ${COMPONENTS_DIRECTORY}/ directory here (run from the repository root)`);
  }
  const found = readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(COMPONENTS_DIRECTORY, name));
  if (found.length === 0) throw new UsageError(`no component documents in ${COMPONENTS_DIRECTORY}/`);
  return found;
};

export const validateComponents = async (
  context: Context,
  files: readonly string[],
  options: { strict: boolean },
): Promise<void> => {
  const cwd = context.io.cwd ?? process.cwd();
  const results = [];
  for (const file of selectFiles(cwd, files)) {
    const issues = await validateComponentFile(path.resolve(cwd, file), { strict: options.strict });
    // Issues name the file as the user gave it, like the npm script does.
    results.push({ file, valid: issues.length === 0, issues: issues.map((issue) => ({ ...issue, file })) });
  }
  const invalid = results.filter((result) => !result.valid);
  if (context.json) context.result({ files: results }, () => '');
  else {
    for (const result of results) {
      if (result.valid) context.print(`✓ ${result.file}`);
      for (const issue of result.issues) context.io.stderr.write(`✗ ${formatIssue(issue)}\n`);
    }
  }
  if (invalid.length > 0) {
    context.io.stderr.write(`${invalid.length} of ${results.length} component document(s) invalid\n`);
    throw new ReportedFailure();
  }
};

export const registerComponentCommands = (program: Command, io: CliIo): void => {
  program
    .command('components')
    .description('Image Builder component documents')
    .command('validate')
    .description('check AWSTOE component documents (default: every components/*.yml)')
    .argument('[files...]', 'documents to check')
    .option('--no-strict', 'AWSTOE rules only, without cloudboot conventions (third-party documents)')
    .action((files: string[], options: { strict: boolean }, command: Command) =>
      validateComponents(createContext(io, command), files, options),
    );
};
