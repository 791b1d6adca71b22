/** `cloudboot image current` and `cloudboot prune`: the published image and the clean-up of old ones. */
import type { Command } from 'commander';
import { confirm } from '../confirm';
import { type Context, createContext } from '../context';
import { CliError, UsageError } from '../errors';
import { keyValues } from '../format';
import type { CliIo } from '../io';
import { ImageSchema, type PruneReport, PruneReportSchema } from '../schemas';

export const showCurrentImage = async (context: Context): Promise<void> => {
  const image = await context.api.request('GET', '/images/current', ImageSchema);
  context.result(image, () =>
    keyValues([
      ['ami', image.amiId],
      ['version', image.version],
      ['label', image.label],
      ['published', image.publishedAt],
    ]),
  );
};

const prune = (context: Context, dryRun: boolean) =>
  context.api.request('POST', '/images/prune', PruneReportSchema, { body: { dryRun } });

const describeReport = (report: PruneReport): string => {
  const lines: string[] = [];
  const heading = report.dryRun ? 'Would delete' : 'Deleted';
  if (report.deleted.length === 0) lines.push(report.dryRun ? 'Nothing to delete.' : 'Deleted nothing.');
  else {
    lines.push(`${heading} ${report.deleted.length} image(s):`);
    for (const image of report.deleted) {
      const snapshots = image.snapshots.length > 0 ? ` (snapshots ${image.snapshots.join(', ')})` : '';
      lines.push(`  ${image.amiId}${image.name ? ` ${image.name}` : ''}${snapshots}`);
    }
  }
  if (report.kept.length > 0) {
    lines.push(`Kept ${report.kept.length} image(s) because:`);
    for (const image of report.kept) {
      lines.push(
        `  ${image.amiId}${image.name ? ` ${image.name}` : ''}: ${image.reasons.join('; ') || 'no reason given'}`,
      );
    }
  }
  if (report.failed.length > 0) {
    lines.push(`Failed ${report.failed.length}:`);
    for (const failure of report.failed) {
      const target = failure.snapshotId ? ` ${failure.snapshotId}` : '';
      lines.push(`  ${failure.amiId} at ${failure.step}${target}: ${failure.error}`);
    }
  }
  return lines.join('\n');
};

const finish = (context: Context, report: PruneReport): void => {
  context.result(report, () => describeReport(report));
  if (report.failed.length > 0) throw new CliError(`${report.failed.length} deletion(s) failed`);
};

export const pruneImages = async (context: Context, options: { dryRun?: boolean; yes?: boolean }) => {
  if (options.dryRun) return finish(context, await prune(context, true));
  if (options.yes) return finish(context, await prune(context, false));
  if (!context.io.isTTY) {
    throw new UsageError(
      'refusing to delete images without confirmation: pass --yes, or --dry-run to look first',
    );
  }
  // Show exactly what would go before asking; the real run re-plans, so the list is a preview, not a promise.
  const preview = await prune(context, true);
  context.io.stderr.write(`${describeReport(preview)}\n`);
  if (preview.deleted.length === 0) {
    if (context.json) context.result(preview, () => '');
    return;
  }
  if (!(await confirm(context.io, `Delete ${preview.deleted.length} image(s) and their snapshots?`))) {
    context.print('Nothing deleted.');
    return;
  }
  finish(context, await prune(context, false));
};

export const registerImageCommands = (program: Command, io: CliIo): void => {
  program
    .command('image')
    .description('the published nightly image')
    .command('current')
    .description('the image new environments are launched from')
    .action((_options: unknown, command: Command) => showCurrentImage(createContext(io, command)));

  program
    .command('prune')
    .description('delete old nightly images (admins); --dry-run shows what would go and why the rest stays')
    .option('--dry-run', 'only report')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((options: { dryRun?: boolean; yes?: boolean }, command: Command) =>
      pruneImages(createContext(io, command), options),
    );
};
