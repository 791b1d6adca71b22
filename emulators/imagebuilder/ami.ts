/**
 * Publishes a finished build as a real AMI in moto's EC2, tagged the way Image Builder tags its output, so the code
 * that later finds, publishes and prunes AMIs by tag runs against the same shapes it meets in AWS.
 */
import {
  CreateTagsCommand,
  DescribeImagesCommand,
  EC2Client,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import type { AmiDistribution, OutputAmi } from './types';

/**
 * What `{{ imagebuilder:buildDate }}` becomes: the ISO instant with ':' replaced by '-' (AMI names may not contain
 * colons), e.g. 2026-12-04T03-00-12.345Z, as Image Builder itself renders it.
 */
export const amiBuildDate = (date: Date): string => date.toISOString().replace(/:/g, '-');

/** Expands the Image Builder variables an AMI name may contain. */
export const renderAmiName = (
  template: string | undefined,
  values: { pipelineName: string; buildDate: Date; buildVersion: number },
): string => {
  const buildDate = amiBuildDate(values.buildDate);
  if (!template) return `${values.pipelineName} ${buildDate}`;
  return template
    .replace(/\{\{\s*imagebuilder:buildDate\s*\}\}/g, buildDate)
    .replace(/\{\{\s*imagebuilder:buildVersion\s*\}\}/g, String(values.buildVersion));
};

export interface AmiRequest {
  region: string;
  accountId: string;
  name: string;
  distribution: AmiDistribution | undefined;
  imageBuildVersionArn: string;
}

export class AmiPublisher {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly ec2Endpoint: string) {}

  private client(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      // moto accepts any credentials; only fall back to dummy ones so the SDK's provider chain has something.
      const hasEnvCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY);
      client = new EC2Client({
        region,
        endpoint: this.ec2Endpoint,
        ...(hasEnvCredentials ? {} : { credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }),
      });
      this.clients.set(region, client);
    }
    return client;
  }

  async publish(request: AmiRequest): Promise<OutputAmi> {
    const ec2 = this.client(request.region);
    const description = request.distribution?.description;
    const registered = await ec2.send(
      new RegisterImageCommand({
        Name: request.name,
        Description: description,
        Architecture: 'x86_64',
        RootDeviceName: '/dev/xvda',
        VirtualizationType: 'hvm',
      }),
    );
    const imageId = registered.ImageId;
    if (!imageId) throw new Error('RegisterImage returned no ImageId');

    // moto ignores TagSpecifications and invents the root snapshot, so tags go on afterwards, snapshots included.
    const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    const snapshotIds = (described.Images?.[0]?.BlockDeviceMappings ?? []).flatMap((mapping) =>
      mapping.Ebs?.SnapshotId ? [mapping.Ebs.SnapshotId] : [],
    );
    const tags = {
      ...request.distribution?.amiTags,
      Ec2ImageBuilderArn: request.imageBuildVersionArn,
      CreatedBy: 'EC2 Image Builder',
    };
    await ec2.send(
      new CreateTagsCommand({
        Resources: [imageId, ...snapshotIds],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    return {
      region: request.region,
      image: imageId,
      name: request.name,
      ...(description === undefined ? {} : { description }),
      accountId: request.accountId,
    };
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
