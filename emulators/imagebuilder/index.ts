/**
 * EC2 Image Builder emulator: serves the subset of the Image Builder API cloudboot uses over node:http (restJson1,
 * so the real SDK client works against it), runs builds on timers, publishes finished builds as AMIs in moto's EC2
 * and emits EventBridge-shaped state-change events. Used by the local stack and the integration tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmiPublisher } from './ami';
import { BuildRunner } from './builds';
import { EventPublisher } from './events';
import { requestListener } from './http';
import { BuildSettings } from './settings';
import { ImageBuilderStore } from './store';
import {
  DEFAULT_PHASE_DURATIONS,
  type ImageBuilderEmulator,
  type ImageBuilderEmulatorOptions,
} from './types';

export { amiBuildDate, renderAmiName } from './ami';
export type {
  BuildInstruction,
  BuildPhase,
  ImageBuilderEmulator,
  ImageBuilderEmulatorOptions,
  ImageOutcome,
  ImageStateChangeEvent,
  PhaseDurations,
} from './types';
export { BUILD_PHASES, DEFAULT_PHASE_DURATIONS } from './types';

export const startImageBuilderEmulator = async (
  options: ImageBuilderEmulatorOptions,
): Promise<ImageBuilderEmulator> => {
  const host = options.host ?? '127.0.0.1';
  const arns = { region: options.region ?? 'eu-west-1', accountId: options.accountId ?? '123456789012' };
  const logger = options.logger ?? console;

  const store = new ImageBuilderStore();
  const settings = new BuildSettings({ ...DEFAULT_PHASE_DURATIONS, ...options.phaseDurations });
  const events = new EventPublisher(options.onStateChange, logger);
  const amis = new AmiPublisher(options.ec2Endpoint);
  const runner = new BuildRunner(store, events, amis, arns, logger);

  // Reset drops resources and the pending instruction; configuration (phase durations, event target) stays.
  const reset = (): void => {
    runner.abandonAll();
    store.clear();
    settings.nextBuild = undefined;
  };

  const server = createServer(
    requestListener({ store, runner, settings, arns }, { store, settings, events, reset }, logger),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await runner.stop();
    await events.drain();
    amis.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };

  return {
    url: `http://${host}:${port}`,
    port,
    close: () => {
      closing ??= close();
      return closing;
    },
    reset,
    waitForImage: (imageBuildVersionArn, { timeoutMs = 10_000 } = {}) =>
      runner.waitFor(store.image(imageBuildVersionArn), timeoutMs),
  };
};
