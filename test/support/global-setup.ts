/**
 * One moto_server per jest run, on a free loopback port. Its endpoint reaches every test file through the
 * environment (workers inherit it), and the SDK picks it up via AWS_ENDPOINT_URL_<SERVICE>.
 */

import { motoEndpointEnv, startMoto } from '../../emulators/moto';
import { findFreePort } from '../../emulators/ports';

export default async function globalSetup(): Promise<void> {
  const moto = await startMoto({ port: await findFreePort() });
  (globalThis as { __MOTO__?: typeof moto }).__MOTO__ = moto;
  process.env.MOTO_ENDPOINT = moto.endpoint;
  Object.assign(process.env, motoEndpointEnv(moto.endpoint));
}
