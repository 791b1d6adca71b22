/** Helpers for test files that talk to the run's shared moto_server. */
import { resetMoto, sentNotifications } from '../../emulators/moto';

export const motoEndpoint = (): string => {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: is jest globalSetup configured?');
  return endpoint;
};

export const resetAws = (): Promise<void> => resetMoto(motoEndpoint());
export const snsMessages = () => sentNotifications(motoEndpoint());
