/**
 * Prune cost for 1,000 candidate AMIs against an in-memory EC2 that enforces EC2's token buckets for
 * DeregisterImage and DeleteSnapshot (100 tokens, 5/s) and throws RequestLimitExceeded beyond them, on a virtual
 * clock. Reports API calls, simulated time vs the limit-imposed minimum, and throttling errors that escaped.
 */
import '../emulators/polyfills';
import { logger } from '../functions/commons/logger';
import type { ImagebuilderPort } from '../functions/watcher/image';
import { pruneImages } from '../functions/watcher/prune';
import type { Ec2Port } from '../functions/watcher/publish';
import { type BucketLimits, type Clock, EC2_DELETE_LIMITS } from '../functions/watcher/token-bucket';
import type { SsmPort } from '../functions/watcher/watch-tokens';

/** Virtual time: sleepers wake in order of their deadlines once every runnable promise has settled. */
class VirtualClock implements Clock {
  private t = 0;
  private timers: { at: number; wake: () => void }[] = [];
  private scheduled = false;
  now = () => this.t;
  sleep = (ms: number) =>
    new Promise<void>((wake) => {
      this.timers.push({ at: this.t + ms, wake });
      this.schedule();
    });
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.at);
      next.wake();
      if (this.timers.length) this.schedule();
    });
  }
}

/** EC2's side of the rate limit, on the same clock. */
class ServiceBucket {
  private tokens: number;
  private updatedAt: number;
  constructor(
    private readonly limits: BucketLimits,
    private readonly clock: Clock,
  ) {
    this.tokens = limits.capacity;
    this.updatedAt = clock.now();
  }
  consume(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.limits.capacity,
      this.tokens + ((now - this.updatedAt) * this.limits.refillPerSecond) / 1000,
    );
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export const benchPrune = async ({ candidates = 1000 }: { candidates?: number } = {}) => {
  logger.setLogLevel('SILENT');
  const clock = new VirtualClock();
  const calls: Record<string, number> = {};
  let throttled = 0;
  const buckets = {
    DeregisterImageCommand: new ServiceBucket(EC2_DELETE_LIMITS, clock),
    DeleteSnapshotCommand: new ServiceBucket(EC2_DELETE_LIMITS, clock),
  };
  const old = new Date('2026-01-01T00:00:00Z');
  const images = Array.from({ length: candidates }, (_, index) => ({
    ImageId: `ami-${String(index).padStart(8, '0')}`,
    Name: `cloudboot-dev ${index}`,
    CreationDate: new Date(old.getTime() + index * 60_000).toISOString(),
    BlockDeviceMappings: [{ Ebs: { SnapshotId: `snap-${String(index).padStart(8, '0')}` } }],
    Tags: [{ Key: 'Ec2ImageBuilderArn', Value: `arn:aws:imagebuilder:eu-west-1:1:image/r/1.0.0/${index}` }],
  }));
  const PAGE = 1000;
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name;
    calls[name] = (calls[name] ?? 0) + 1;
    const bucket = buckets[name as keyof typeof buckets];
    if (bucket && !bucket.consume()) {
      throttled += 1;
      throw Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' });
    }
    switch (name) {
      case 'DescribeImagesCommand': {
        const start = Number(command.input.NextToken ?? 0);
        const next = start + PAGE < images.length ? String(start + PAGE) : undefined;
        return { Images: images.slice(start, start + PAGE), NextToken: next };
      }
      case 'DescribeInstancesCommand':
        return { Reservations: [] };
      case 'DescribeLaunchTemplatesCommand':
        return { LaunchTemplates: [] };
      case 'GetParameterHistoryCommand':
        return { Parameters: [{ Version: 1, Value: images.at(-1)?.ImageId }] };
      default:
        return {};
    }
  };
  const port = { send } as unknown as Ec2Port & SsmPort & ImagebuilderPort;

  const report = await pruneImages(
    { ec2: port, ssm: port, imagebuilder: port, now: () => new Date('2026-12-10T00:00:00Z'), clock },
    { stage: 'dev', amiParameterName: '/cloudboot/dev/ami/current', retainNewest: 3, retainDays: 2 },
    { dryRun: false },
  );
  const deletions = report.deleted.length;
  // Each bucket allows `capacity` at once, then `refillPerSecond`; deregistrations and snapshot deletions use
  // separate buckets and overlap, so the slowest bucket sets the minimum.
  const minimumSeconds = Math.max(
    0,
    (deletions - EC2_DELETE_LIMITS.capacity) / EC2_DELETE_LIMITS.refillPerSecond,
  );
  const simulatedSeconds = clock.now() / 1000;
  const apiCalls = Object.values(calls).reduce((sum, count) => sum + count, 0);
  return {
    candidates,
    deleted: deletions,
    kept: report.kept.length,
    apiCalls,
    callsByAction: calls,
    simulatedSeconds: Number(simulatedSeconds.toFixed(2)),
    limitImposedMinimumSeconds: minimumSeconds,
    ratioToMinimum: Number((simulatedSeconds / minimumSeconds).toFixed(3)),
    target: '<= 1.25',
    throttlingErrorsAtService: throttled,
    throttlingErrorsEscaped: report.failed.filter((failure) => failure.error.includes('RequestLimitExceeded'))
      .length,
    failed: report.failed.length,
  };
};
