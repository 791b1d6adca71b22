import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { StatusChange } from './schemas';

export type SfnPort = Pick<SFNClient, 'send'>;

/** Errors that mean "nobody waits on this token any more" (the wait timed out, the execution ended, or it was used). */
const STALE_TOKEN_ERRORS = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'];

export type Delivery = 'delivered' | 'stale-token';

/** Resumes the waiting WaitForPhaseChange with the new status. */
export const resumeWatcher = async (
  sfn: SfnPort,
  taskToken: string,
  change: StatusChange,
): Promise<Delivery> => {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(change) }));
    return 'delivered';
  } catch (error) {
    if (error instanceof Error && STALE_TOKEN_ERRORS.includes(error.name)) return 'stale-token';
    throw error;
  }
};
