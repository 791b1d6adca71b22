/**
 * Creates in the emulators what the deployed stack would have: the SNS topic, the Image Builder distribution
 * configuration and pipeline, and the developers' launch template (read from resources/dev-instances.yml, so
 * its safe defaults are the deployed ones).
 */
import {
  CreateLaunchTemplateCommand,
  type EC2Client,
  type RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import {
  CreateDistributionConfigurationCommand,
  CreateImagePipelineCommand,
  type ImagebuilderClient,
} from '@aws-sdk/client-imagebuilder';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { readYaml, type ServerlessConfig } from './serverless-config';

export interface SeededResources {
  topicArn: string;
  pipelineArn: string;
  launchTemplateId: string;
  recipeName: string;
}

/** CloudFormation intrinsics get their local value from `replacements`; those without one are dropped. */
const withoutIntrinsics = (value: unknown, replacements: Record<string, unknown>): unknown => {
  if (Array.isArray(value)) return value.map((item) => withoutIntrinsics(item, replacements));
  if (value && typeof value === 'object') {
    if ('intrinsic' in value) return replacements[JSON.stringify(value)];
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, withoutIntrinsics(item, replacements)] as const)
        .filter(([, item]) => item !== undefined && item !== null),
    );
  }
  return value;
};

export const seedResources = async (
  clients: { ec2: EC2Client; imagebuilder: ImagebuilderClient; sns: SNSClient },
  config: ServerlessConfig,
  { stage, region, accountId }: { stage: string; region: string; accountId: string },
): Promise<SeededResources> => {
  const pipelineName = String(config.custom.pipelineName);
  const recipeName = String(config.custom.recipeName);

  const { TopicArn: topicArn } = await clients.sns.send(
    new CreateTopicCommand({ Name: `cloudboot-${stage}-builds` }),
  );
  if (!topicArn) throw new Error('moto returned no topic ARN');

  const { distributionConfigurationArn } = await clients.imagebuilder.send(
    new CreateDistributionConfigurationCommand({
      name: `cloudboot-${stage}-distribution`,
      clientToken: `seed-${stage}-distribution`,
      distributions: [
        {
          region,
          amiDistributionConfiguration: {
            name: `cloudboot-${stage}-{{ imagebuilder:buildDate }}`,
            description: `cloudboot developer environment (${stage})`,
            amiTags: { 'cloudboot:pipeline': pipelineName, 'cloudboot:stage': stage },
          },
        },
      ],
    }),
  );
  const { imagePipelineArn: pipelineArn } = await clients.imagebuilder.send(
    new CreateImagePipelineCommand({
      name: pipelineName,
      clientToken: `seed-${stage}-pipeline`,
      imageRecipeArn: `arn:aws:imagebuilder:${region}:${accountId}:image-recipe/${recipeName}/1.0.0`,
      infrastructureConfigurationArn: `arn:aws:imagebuilder:${region}:${accountId}:infrastructure-configuration/cloudboot-${stage}-build-infrastructure`,
      distributionConfigurationArn,
      status: 'ENABLED',
    }),
  );
  if (!pipelineArn) throw new Error('the Image Builder emulator returned no pipeline ARN');

  const template = config.resolve(readYaml('resources/dev-instances.yml')) as {
    Resources: {
      DevInstanceLaunchTemplate: { Properties: { LaunchTemplateName: string; LaunchTemplateData: unknown } };
    };
  };
  const { LaunchTemplateName, LaunchTemplateData } = template.Resources.DevInstanceLaunchTemplate.Properties;
  const launchTemplateData = withoutIntrinsics(LaunchTemplateData, {
    [JSON.stringify({
      intrinsic: 'GetAtt',
      value: 'DevInstanceProfile.Arn',
    })]: `arn:aws:iam::${accountId}:instance-profile/cloudboot-${stage}-dev-instance`,
  }) as RequestLaunchTemplateData;
  const { LaunchTemplate } = await clients.ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName, LaunchTemplateData: launchTemplateData }),
  );
  if (!LaunchTemplate?.LaunchTemplateId) throw new Error('moto returned no launch template id');

  return { topicArn, pipelineArn, launchTemplateId: LaunchTemplate.LaunchTemplateId, recipeName };
};
