/**
 * Publishes a finished build: the AMI id becomes the new version of the AMI parameter (data type aws:ec2:image, so
 * SSM checks it is an AMI), that version is labelled with the build date, and the AMI is tagged with when.
 */
import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  type ParameterHistory,
  PutParameterCommand,
  UnlabelParameterVersionCommand,
} from '@aws-sdk/client-ssm';
import { logger } from '#commons/logger';
import { isThrottlingError, ParameterThrottledError, PublishError } from './errors';
import { dateLabel, isDateLabel } from './labels';
import type { SsmPort } from './watch-tokens';

export type Ec2Port = Pick<EC2Client, 'send'>;

export interface Publication {
  parameterName: string;
  parameterVersion: number;
  label: string;
  amiId: string;
  publishedAt: string;
}

/** Every version of a parameter (all pages), oldest first. */
export const parameterHistory = async (ssm: SsmPort, name: string): Promise<ParameterHistory[]> => {
  const versions: ParameterHistory[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 50, NextToken }));
    versions.push(...(page.Parameters ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return versions.sort((a, b) => (a.Version ?? 0) - (b.Version ?? 0));
};

/**
 * SSM keeps 100 versions and refuses a new one when the oldest carries a label. Date labels on the oldest version
 * are ours and only useful while its AMI exists, so release them; a pin (any other label) is left for a person.
 */
const releaseOldestDateLabels = async (ssm: SsmPort, name: string): Promise<boolean> => {
  const [oldest] = await parameterHistory(ssm, name);
  const ours = (oldest?.Labels ?? []).filter(isDateLabel);
  if (!oldest?.Version || ours.length === 0 || ours.length !== (oldest.Labels ?? []).length) return false;
  await ssm.send(
    new UnlabelParameterVersionCommand({ Name: name, ParameterVersion: oldest.Version, Labels: ours }),
  );
  logger.info('released date labels of the oldest parameter version', {
    name,
    version: oldest.Version,
    labels: ours,
  });
  return true;
};

const putAmiParameter = async (ssm: SsmPort, name: string, amiId: string): Promise<number> => {
  const put = () =>
    ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: amiId,
        Type: 'String',
        DataType: 'aws:ec2:image',
        Overwrite: true,
      }),
    );
  try {
    return (await put()).Version ?? 0;
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterMaxVersionLimitExceeded') {
      if (await releaseOldestDateLabels(ssm, name)) return (await put()).Version ?? 0;
    }
    throw error;
  }
};

export const publishImage = async (
  deps: { ssm: SsmPort; ec2: Ec2Port; now: () => Date },
  input: { amiId: string; buildStartedAt: string; imageBuildVersionArn: string },
  parameterName: string,
): Promise<Publication> => {
  const label = dateLabel(new Date(input.buildStartedAt));
  let parameterVersion: number;
  try {
    parameterVersion = await putAmiParameter(deps.ssm, parameterName, input.amiId);
    // A second build the same night moves the label to its version: the label names the night's last image.
    const { InvalidLabels } = await deps.ssm.send(
      new LabelParameterVersionCommand({
        Name: parameterName,
        ParameterVersion: parameterVersion,
        Labels: [label],
      }),
    );
    if (InvalidLabels?.length)
      throw new PublishError(`SSM rejected the label(s) ${InvalidLabels.join(', ')}`);
  } catch (error) {
    if (error instanceof PublishError) throw error;
    if (isThrottlingError(error)) {
      throw new ParameterThrottledError(`SSM throttled publishing ${input.amiId} to ${parameterName}`, {
        cause: error,
      });
    }
    throw new PublishError(
      `Could not publish ${input.amiId} to ${parameterName}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const publishedAt = deps.now().toISOString();
  await deps.ec2.send(
    new CreateTagsCommand({
      Resources: [input.amiId],
      Tags: [{ Key: 'cloudboot:published-at', Value: publishedAt }],
    }),
  );
  const publication = { parameterName, parameterVersion, label, amiId: input.amiId, publishedAt };
  logger.info('published the new image', {
    ...publication,
    imageBuildVersionArn: input.imageBuildVersionArn,
  });
  return publication;
};
