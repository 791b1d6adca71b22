/**
 * Decides which of this pipeline's AMIs may go. An AMI is kept if ANY rule keeps it, and every reason is reported.
 * Everything is read (all pages) before anything is deleted; if any read fails, nothing is deleted.
 */
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import type { ParameterHistory } from '@aws-sdk/client-ssm';
import { pinLabels } from './labels';
import { type Ec2Port, parameterHistory } from './publish';
import type { SsmPort } from './watch-tokens';

export interface PruneSettings {
  stage: string;
  amiParameterName: string;
  retainNewest: number;
  retainDays: number;
}

export interface Candidate {
  amiId: string;
  name: string;
  createdAt: string;
  snapshotIds: string[];
  imageBuilderArn?: string;
}

export interface KeptImage {
  amiId: string;
  name: string;
  reasons: string[];
}

export interface PrunePlan {
  candidates: number;
  kept: KeptImage[];
  toDelete: Candidate[];
}

export const PIPELINE_TAG = 'cloudboot:pipeline';

const tagValue = (image: Image, key: string): string | undefined =>
  image.Tags?.find((tag) => tag.Key === key)?.Value;

export const listCandidates = async (ec2: Ec2Port, stage: string): Promise<Candidate[]> => {
  const candidates: Candidate[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: `tag:${PIPELINE_TAG}`, Values: [`cloudboot-${stage}`] }],
        NextToken,
      }),
    );
    for (const image of page.Images ?? []) {
      if (!image.ImageId) continue;
      const imageBuilderArn = tagValue(image, 'Ec2ImageBuilderArn');
      candidates.push({
        amiId: image.ImageId,
        name: image.Name ?? '',
        createdAt: image.CreationDate ?? new Date(0).toISOString(),
        snapshotIds: (image.BlockDeviceMappings ?? []).flatMap((mapping) =>
          mapping.Ebs?.SnapshotId ? [mapping.Ebs.SnapshotId] : [],
        ),
        ...(imageBuilderArn ? { imageBuilderArn } : {}),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return candidates;
};

/** AMIs of instances in any state but terminated (stopped developer environments count). */
export const imagesInUse = async (ec2: Ec2Port): Promise<Map<string, string[]>> => {
  const used = new Map<string, string[]>();
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          {
            Name: 'instance-state-name',
            Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'],
          },
        ],
        MaxResults: 1000,
        NextToken,
      }),
    );
    for (const instance of (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])) {
      if (!instance.ImageId || !instance.InstanceId) continue;
      used.set(instance.ImageId, [...(used.get(instance.ImageId) ?? []), instance.InstanceId]);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return used;
};

/** Every ImageId of every version of every launch template (`resolve:ssm:` references are returned as written). */
export const launchTemplateImageIds = async (ec2: Ec2Port): Promise<Map<string, string[]>> => {
  const references = new Map<string, string[]>();
  const templateIds: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 200, NextToken }));
    templateIds.push(...(page.LaunchTemplates ?? []).flatMap((template) => template.LaunchTemplateId ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  for (const LaunchTemplateId of templateIds) {
    let VersionsToken: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateId,
          MaxResults: 200,
          NextToken: VersionsToken,
        }),
      );
      for (const version of page.LaunchTemplateVersions ?? []) {
        const imageId = version.LaunchTemplateData?.ImageId;
        if (!imageId) continue;
        const where = `${LaunchTemplateId} v${version.VersionNumber}`;
        references.set(imageId, [...(references.get(imageId) ?? []), where]);
      }
      VersionsToken = page.NextToken;
    } while (VersionsToken);
  }
  return references;
};

/**
 * Resolves a launch template's `resolve:ssm:<name>[:<version>|:<label>]` against our parameter's history;
 * undefined when it names another parameter (its AMI cannot be one of ours unless copied there by hand).
 */
export const resolveSsmReference = (
  reference: string,
  parameterName: string,
  history: readonly ParameterHistory[],
): string | undefined => {
  const rest = reference.slice('resolve:ssm:'.length);
  if (rest !== parameterName && !rest.startsWith(`${parameterName}:`)) return undefined;
  const selector = rest.slice(parameterName.length + 1);
  const version =
    selector === ''
      ? history.at(-1)
      : /^\d+$/.test(selector)
        ? history.find((entry) => entry.Version === Number(selector))
        : history.find((entry) => entry.Labels?.includes(selector));
  return version?.Value;
};

export const planPrune = async (
  deps: { ec2: Ec2Port; ssm: SsmPort; now: () => Date },
  settings: PruneSettings,
): Promise<PrunePlan> => {
  const [candidates, history, inUse, templates] = await Promise.all([
    listCandidates(deps.ec2, settings.stage),
    parameterHistoryOrEmpty(deps.ssm, settings.amiParameterName),
    imagesInUse(deps.ec2),
    launchTemplateImageIds(deps.ec2),
  ]);
  const reasons = new Map<string, string[]>(candidates.map((candidate) => [candidate.amiId, []]));
  const keep = (amiId: string | undefined, reason: string) => reasons.get(amiId ?? '')?.push(reason);

  const current = history.at(-1);
  keep(current?.Value, `current value of ${settings.amiParameterName} (version ${current?.Version})`);
  for (const version of history) {
    const pins = pinLabels(version.Labels ?? []);
    if (pins.length)
      keep(version.Value, `pinned by label ${pins.join(', ')} (parameter version ${version.Version})`);
  }
  const newestFirst = [...candidates].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  newestFirst.slice(0, settings.retainNewest).forEach((candidate, index) => {
    keep(candidate.amiId, `among the newest ${settings.retainNewest} (#${index + 1})`);
  });
  const cutoff = deps.now().getTime() - settings.retainDays * 86_400_000;
  for (const candidate of candidates) {
    if (new Date(candidate.createdAt).getTime() > cutoff) {
      keep(candidate.amiId, `younger than ${settings.retainDays} days (created ${candidate.createdAt})`);
    }
  }
  for (const [amiId, instances] of inUse) keep(amiId, `used by instance(s) ${instances.join(', ')}`);
  for (const [imageId, where] of templates) {
    const amiId = imageId.startsWith('resolve:ssm:')
      ? resolveSsmReference(imageId, settings.amiParameterName, history)
      : imageId;
    keep(
      amiId,
      `referenced by launch template ${where.join(', ')}${amiId === imageId ? '' : ` as ${imageId}`}`,
    );
  }

  const kept = newestFirst
    .filter((candidate) => reasons.get(candidate.amiId)?.length)
    .map((candidate) => ({
      amiId: candidate.amiId,
      name: candidate.name,
      reasons: reasons.get(candidate.amiId) ?? [],
    }));
  const toDelete = newestFirst.filter((candidate) => !reasons.get(candidate.amiId)?.length);
  return { candidates: candidates.length, kept, toDelete };
};

const parameterHistoryOrEmpty = async (ssm: SsmPort, name: string): Promise<ParameterHistory[]> => {
  try {
    return await parameterHistory(ssm, name);
  } catch (error) {
    // Nothing published yet: no current image and no pins (the other rules still apply).
    if (error instanceof Error && error.name === 'ParameterNotFound') return [];
    throw error;
  }
};
