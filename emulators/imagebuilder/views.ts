/** Renders records as the Image Builder API returns them (field names from the SDK's restJson1 schemas). */
import type { ArnContext } from './arns';
import type { DistributionConfigurationRecord, ImageRecord, PipelineRecord } from './types';

/** Images are reported as built from this OS; the emulator does not model recipes or parent images. */
const OS_VERSION = 'Amazon Linux 2023';

const state = (image: ImageRecord) =>
  image.reason === undefined ? { status: image.status } : { status: image.status, reason: image.reason };

/** outputResources appear once the AMIs exist, as in the real service. */
const outputResources = (image: ImageRecord) =>
  image.amis.length > 0 ? { outputResources: { amis: image.amis } } : {};

export const imageSummaryView = (image: ImageRecord, context: ArnContext) => ({
  arn: image.arn,
  name: image.name,
  type: 'AMI',
  version: image.version,
  platform: 'Linux',
  osVersion: OS_VERSION,
  state: state(image),
  owner: context.accountId,
  dateCreated: image.dateCreated,
  ...outputResources(image),
  tags: image.tags,
  buildType: 'USER_INITIATED',
  imageSource: 'CUSTOM',
});

export const imageView = (
  image: ImageRecord,
  pipeline: PipelineRecord,
  distribution: DistributionConfigurationRecord | undefined,
  context: ArnContext,
) => ({
  ...imageSummaryView(image, context),
  enhancedImageMetadataEnabled: true,
  imageRecipe: {
    arn: pipeline.imageRecipeArn,
    type: 'AMI',
    name: pipeline.recipeName,
    version: pipeline.recipeVersion,
    platform: 'Linux',
    owner: context.accountId,
  },
  sourcePipelineArn: pipeline.arn,
  sourcePipelineName: pipeline.name,
  ...(distribution ? { distributionConfiguration: distributionConfigurationView(distribution) } : {}),
});

export const pipelineView = (pipeline: PipelineRecord) => ({
  arn: pipeline.arn,
  name: pipeline.name,
  ...(pipeline.description === undefined ? {} : { description: pipeline.description }),
  platform: 'Linux',
  enhancedImageMetadataEnabled: true,
  imageRecipeArn: pipeline.imageRecipeArn,
  infrastructureConfigurationArn: pipeline.infrastructureConfigurationArn,
  ...(pipeline.distributionConfigurationArn
    ? { distributionConfigurationArn: pipeline.distributionConfigurationArn }
    : {}),
  status: pipeline.status,
  dateCreated: pipeline.dateCreated,
  dateUpdated: pipeline.dateCreated,
  ...(pipeline.dateLastRun ? { dateLastRun: pipeline.dateLastRun } : {}),
  ...(pipeline.lastRunStatus ? { lastRunStatus: pipeline.lastRunStatus } : {}),
  tags: pipeline.tags,
});

export const distributionConfigurationView = (configuration: DistributionConfigurationRecord) => ({
  arn: configuration.arn,
  name: configuration.name,
  ...(configuration.description === undefined ? {} : { description: configuration.description }),
  distributions: configuration.distributions,
  timeoutMinutes: 720,
  dateCreated: configuration.dateCreated,
  tags: configuration.tags,
});
