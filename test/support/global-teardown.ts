import type { MotoServer } from '../../emulators/moto';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __MOTO__?: MotoServer }).__MOTO__?.stop();
}
