/**
 * Pruning: plan (prune-plan.ts), then delete each AMI that no rule keeps, WITH its snapshots and its Image Builder
 * image resource. Deletions are paced by token buckets mirroring EC2's rate limits and run with bounded
 * concurrency; one failed deletion is reported and does not stop the others.
 */
import { DeleteSnapshotCommand, DeregisterImageCommand } from '@aws-sdk/client-ec2';
import { DeleteImageCommand } from '@aws-sdk/client-imagebuilder';
import { logger } from '#commons/logger';
import { errorMessage, PruneError } from './errors';
import type { ImagebuilderPort } from './image';
import { type Candidate, type KeptImage, type PruneSettings, planPrune } from './prune-plan';
import type { Ec2Port } from './publish';
import { type Clock, EC2_DELETE_LIMITS, systemClock, TokenBucket } from './token-bucket';
import type { SsmPort } from './watch-tokens';

export type PruneStep = 'deregister-image' | 'delete-snapshot' | 'delete-image-resource';

export interface PruneFailure {
  amiId: string;
  step: PruneStep;
  snapshotId?: string;
  error: string;
}

export interface PruneReport {
  dryRun: boolean;
  candidates: number;
  kept: KeptImage[];
  deleted: { amiId: string; name: string; snapshots: string[] }[];
  failed: PruneFailure[];
}

export interface PruneDeps {
  ec2: Ec2Port;
  ssm: SsmPort;
  imagebuilder: ImagebuilderPort;
  now: () => Date;
  clock?: Clock;
  /** AMIs deleted in parallel; the token buckets, not this, set the pace. */
  concurrency?: number;
}

interface Limiters {
  deregister: TokenBucket;
  deleteSnapshot: TokenBucket;
}

const deleteOne = async (
  deps: PruneDeps,
  limiters: Limiters,
  candidate: Candidate,
  report: PruneReport,
): Promise<void> => {
  const fail = (step: PruneStep, error: unknown, snapshotId?: string) => {
    const failure = {
      amiId: candidate.amiId,
      step,
      ...(snapshotId ? { snapshotId } : {}),
      error: errorMessage(error),
    };
    report.failed.push(failure);
    logger.warn('could not finish deleting an AMI', { ...failure });
  };
  try {
    await limiters.deregister.take();
    await deps.ec2.send(new DeregisterImageCommand({ ImageId: candidate.amiId }));
  } catch (error) {
    // The AMI is still registered, so its snapshots are still in use: leave everything for the next run.
    fail('deregister-image', error);
    return;
  }
  const snapshots: string[] = [];
  // Snapshots only after deregistration: EC2 refuses to delete a snapshot an AMI still uses.
  for (const snapshotId of candidate.snapshotIds) {
    try {
      await limiters.deleteSnapshot.take();
      await deps.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
      snapshots.push(snapshotId);
    } catch (error) {
      if (error instanceof Error && error.name === 'InvalidSnapshot.NotFound') continue;
      fail('delete-snapshot', error, snapshotId);
    }
  }
  report.deleted.push({ amiId: candidate.amiId, name: candidate.name, snapshots });
  if (!candidate.imageBuilderArn) return;
  try {
    await deps.imagebuilder.send(new DeleteImageCommand({ imageBuildVersionArn: candidate.imageBuilderArn }));
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
    fail('delete-image-resource', error);
  }
};

export const pruneImages = async (
  deps: PruneDeps,
  settings: PruneSettings,
  options: { dryRun: boolean },
): Promise<PruneReport> => {
  let plan: Awaited<ReturnType<typeof planPrune>>;
  try {
    plan = await planPrune(deps, settings);
  } catch (error) {
    throw new PruneError(`Could not work out what to prune, nothing was deleted: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const report: PruneReport = {
    dryRun: options.dryRun,
    candidates: plan.candidates,
    kept: plan.kept,
    deleted: [],
    failed: [],
  };
  if (options.dryRun) {
    report.deleted = plan.toDelete.map(({ amiId, name, snapshotIds }) => ({
      amiId,
      name,
      snapshots: snapshotIds,
    }));
  } else {
    const clock = deps.clock ?? systemClock;
    const limiters = {
      deregister: new TokenBucket(EC2_DELETE_LIMITS, clock),
      deleteSnapshot: new TokenBucket(EC2_DELETE_LIMITS, clock),
    };
    const queue = [...plan.toDelete];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift())
        await deleteOne(deps, limiters, next, report);
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 8) }, worker));
  }
  logger.info(options.dryRun ? 'prune dry run' : 'pruned old images', {
    candidates: report.candidates,
    kept: report.kept,
    deleted: report.deleted,
    failed: report.failed,
  });
  return report;
};
