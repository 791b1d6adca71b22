/**
 * `npm run bench`: prints cloudboot's performance figures. A benchmark, not a test: it never fails on a number,
 * it prints them next to their targets. Ratios are measured side by side in one run because machines are noisy.
 */
import '../emulators/polyfills';
import { benchBundles } from './bundles';

const section = (title: string) => console.log(`\n== ${title} ==`);
const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

/** Loads an optional bench module; each issue's figures live next to each other in bench/. */
const optional = async <T>(load: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await load();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
};

/**
 * A named export of a module loaded by `import()`: under tsx in this CommonJS package, a .ts file's named
 * exports may only appear under `default` (the CommonJS `module.exports`).
 */
const exported = <M extends object, K extends keyof M>(module: M | undefined, name: K): M[K] | undefined =>
  module?.[name] ?? (module as { default?: M } | undefined)?.default?.[name];

const main = async (): Promise<void> => {
  section('Lambda bundles: size and module load time vs. the same SDK clients alone (target: at most +25%)');
  const bundles = await benchBundles();
  console.table(
    bundles.map((f) => ({
      function: f.function,
      'bundle KiB': (f.bytes / 1024).toFixed(0),
      'SDK-only KiB': (f.sdkOnlyBytes / 1024).toFixed(0),
      'size over SDK': f.sdkClients.length > 0 ? pct(f.sizeRatio) : 'n/a (no SDK)',
      'load ms': f.loadMs.toFixed(1),
      'SDK-only load ms': f.sdkOnlyLoadMs.toFixed(1),
      'load over SDK': f.sdkClients.length > 0 ? pct(f.loadRatio) : 'n/a (no SDK)',
      'SDK clients': f.sdkClients.map((c) => c.replace('client-', '')).join(','),
    })),
  );
  // A function without any SDK client has nothing to be compared with: its ratio is shown, not judged.
  const withSdk = bundles.filter((f) => f.sdkClients.length > 0);
  const worst = Math.max(...withSdk.map((f) => f.sizeRatio));
  console.log(`worst size overhead: ${pct(worst)} (${worst <= 1.25 ? 'within' : 'OVER'} the +25% target)`);
  for (const f of bundles.filter((figures) => figures.sdkClients.length === 0)) {
    console.log(`${f.function} uses no SDK client: ${(f.bytes / 1024).toFixed(0)} KiB, no ratio to judge`);
  }

  const benchWatcher = exported(await optional(() => import('./watcher')), 'benchWatcher');
  if (benchWatcher) {
    section('Build watcher: state transitions per build (target: at most 40 for a 60-minute build)');
    console.log(await benchWatcher());
  }
  const benchPrune = exported(await optional(() => import('./prune')), 'benchPrune');
  if (benchPrune) {
    section(
      'Pruning 1,000 candidate AMIs under EC2 rate limits (target: within 1.25x of the limit-imposed minimum)',
    );
    console.log(await benchPrune());
  }
  const benchApi = exported(await optional(() => import('./api')), 'benchApi');
  if (benchApi) {
    section(
      'Environments API: sequential AWS calls on the create path (target: at most 2) and handler overhead',
    );
    console.log(await benchApi());
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
