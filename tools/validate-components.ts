/**
 * Validates AWSTOE component documents.
 *   tsx tools/validate-components.ts                 every components/*.yml, strict (cloudboot conventions)
 *   tsx tools/validate-components.ts a.yml b.yaml    the given files
 *   --no-strict                                      AWSTOE rules only (third-party documents)
 * Exit codes: 0 all valid, 1 validation errors, 2 usage error.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { formatIssue, validateComponentFile } from './components/validate';

const USAGE = 'usage: tsx tools/validate-components.ts [--no-strict] [file.yml ...]';

async function main(argv: readonly string[]): Promise<number> {
  let strict = true;
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === '--no-strict') strict = false;
    else if (arg === '--strict') strict = true;
    else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      return 0;
    } else if (arg.startsWith('-')) {
      console.error(`unknown option ${arg}\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }

  if (files.length === 0) {
    const directory = 'components';
    if (!existsSync(directory)) {
      console.error(`no ${directory}/ directory here (run from the repository root)\n${USAGE}`);
      return 2;
    }
    files.push(
      ...readdirSync(directory)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => path.join(directory, name)),
    );
    if (files.length === 0) {
      console.error(`no component documents in ${directory}/`);
      return 2;
    }
  }
  const missing = files.filter((file) => !existsSync(file) || !statSync(file).isFile());
  if (missing.length > 0) {
    console.error(`no such file: ${missing.join(', ')}\n${USAGE}`);
    return 2;
  }

  let failed = 0;
  for (const file of files) {
    const issues = await validateComponentFile(file, { strict });
    if (issues.length === 0) console.log(`✓ ${file}`);
    else {
      failed++;
      for (const issue of issues) console.error(`✗ ${formatIssue(issue)}`);
    }
  }
  if (failed > 0) console.error(`${failed} of ${files.length} component document(s) invalid`);
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
