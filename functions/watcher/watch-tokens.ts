/**
 * Where a waiting execution leaves its task token: one SSM parameter per image build, so the EventBridge target
 * can find the execution that follows that image. Overwritten by every wait; no other state is kept.
 */
import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';

export type SsmPort = Pick<SSMClient, 'send'>;

/** `arn:…:image/cloudboot-dev-recipe/1.0.0/3` → `<prefix>cloudboot-dev-recipe_1.0.0_3` (one level, valid characters). */
export const watchTokenParameterName = (prefix: string, imageBuildVersionArn: string): string => {
  const id = imageBuildVersionArn.replace(/^.*?:image\//, '');
  return `${prefix}${id.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
};

export const storeWatchToken = async (ssm: SsmPort, name: string, token: string): Promise<void> => {
  await ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: token,
      Type: 'String',
      Overwrite: true,
      Description: 'Task token of the build watcher execution waiting for this image to change state',
    }),
  );
};

/** Reads and deletes the token; undefined when no execution is waiting. */
export const takeWatchToken = async (ssm: SsmPort, name: string): Promise<string | undefined> => {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    // Delete BEFORE sending: the execution cannot store its next token until this one is used, so this never
    // deletes a fresher token. If the send then fails, the wait's polling fallback takes over.
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    return Parameter?.Value;
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') return undefined;
    throw error;
  }
};
