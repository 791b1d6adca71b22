/**
 * Build history derived from Image Builder itself (no database): how many nights in a row the pipeline failed.
 * Image Builder's own auto-disable only counts scheduled builds, and ours are started by the trigger.
 */
import { type ImagebuilderClient, ListImagePipelineImagesCommand } from '@aws-sdk/client-imagebuilder';
import { buildDate, isFailedStatus } from './phases';

export interface BuildRecord {
  arn: string;
  status: string;
  dateCreated: Date;
}

/** Every image of the pipeline (all pages), newest first. */
export const listPipelineBuilds = async (
  client: Pick<ImagebuilderClient, 'send'>,
  imagePipelineArn: string,
): Promise<BuildRecord[]> => {
  const builds: BuildRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListImagePipelineImagesCommand({ imagePipelineArn, nextToken }));
    for (const image of page.imageSummaryList ?? []) {
      if (!image.arn || !image.dateCreated) continue;
      builds.push({
        arn: image.arn,
        status: image.state?.status ?? 'UNKNOWN',
        dateCreated: new Date(image.dateCreated),
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return builds.sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
};

/**
 * Consecutive failed nights, newest first, stopping at the newest AVAILABLE build. A night counts once however
 * many builds failed in it. `current` is the build being reported: it counts as failed even if Image Builder
 * still shows it running (the watcher gave up on it) or has not listed it yet.
 */
export const countConsecutiveFailedNights = (
  builds: readonly BuildRecord[],
  current?: { arn: string; dateCreated: Date },
): number => {
  const nights = new Set<string>();
  if (current) nights.add(buildDate(current.dateCreated));
  for (const build of builds) {
    if (build.arn === current?.arn) continue;
    if (build.status === 'AVAILABLE') break;
    if (isFailedStatus(build.status)) nights.add(buildDate(build.dateCreated));
  }
  return nights.size;
};
