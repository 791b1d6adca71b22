import { GetImageCommand, type ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { ImageNotFoundError } from './errors';

export type ImagebuilderPort = Pick<ImagebuilderClient, 'send'>;

export interface ImageSnapshot {
  status: string;
  reason?: string;
  amiId?: string;
  dateCreated?: string;
}

/** What the watcher needs from GetImage: status, failure reason, and the AMI once it exists. */
export const describeImage = async (
  client: ImagebuilderPort,
  imageBuildVersionArn: string,
): Promise<ImageSnapshot> => {
  try {
    const { image } = await client.send(new GetImageCommand({ imageBuildVersionArn }));
    const amiId = image?.outputResources?.amis?.[0]?.image;
    return {
      status: image?.state?.status ?? 'UNKNOWN',
      ...(image?.state?.reason ? { reason: image.state.reason } : {}),
      ...(amiId ? { amiId } : {}),
      ...(image?.dateCreated ? { dateCreated: image.dateCreated } : {}),
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      throw new ImageNotFoundError(`Image ${imageBuildVersionArn} does not exist`, { cause: error });
    }
    throw error;
  }
};
