/**
 * Walks each started image through Image Builder's phases on timers, ends it as instructed (FAILED/CANCELLED) or
 * by publishing its AMI, and reports every status change.
 */
import { type AmiPublisher, renderAmiName } from './ami';
import type { ArnContext } from './arns';
import { type EventPublisher, stateChangeEvent } from './events';
import type { ImageBuilderStore } from './store';
import {
  BUILD_PHASES,
  type BuildPhase,
  type EmulatorLogger,
  type ImageOutcome,
  type ImageRecord,
  type ImageStatus,
  isTerminal,
  type OutputAmi,
  type TerminalStatus,
} from './types';

export const CANCELLED_BY_USER = 'Image creation was cancelled by the user.';

interface Waiter {
  resolve(outcome: ImageOutcome): void;
  reject(error: Error): void;
}

export class BuildRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly store: ImageBuilderStore,
    private readonly events: EventPublisher,
    private readonly amis: AmiPublisher,
    private readonly context: ArnContext,
    private readonly logger: EmulatorLogger,
  ) {}

  /**
   * The phases this image will report: those with a duration, plus the phase an instruction ends it in (so a
   * "fail at TESTING" still shows TESTING even when TESTING is configured to 0 ms).
   */
  static plan(image: Pick<ImageRecord, 'phaseDurations' | 'instruction'>): BuildPhase[] {
    return BUILD_PHASES.filter(
      (phase) => image.phaseDurations[phase] > 0 || image.instruction?.phase === phase,
    );
  }

  /** The status a freshly started image has; with every phase at 0 ms it is PENDING for an instant. */
  static initialStatus(image: Pick<ImageRecord, 'phaseDurations' | 'instruction'>): BuildPhase {
    return BuildRunner.plan(image)[0] ?? 'PENDING';
  }

  start(image: ImageRecord): void {
    this.runPhase(image, BuildRunner.plan(image), 0);
  }

  cancel(image: ImageRecord, reason = CANCELLED_BY_USER): void {
    this.clearTimer(image.arn);
    this.transition(image, 'CANCELLED', reason);
  }

  waitFor(image: ImageRecord, timeoutMs: number): Promise<ImageOutcome> {
    if (isTerminal(image.status)) return Promise.resolve(outcomeOf(image));
    return new Promise((resolve, reject) => {
      const waiters = this.waiters.get(image.arn) ?? new Set<Waiter>();
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`Image ${image.arn} is still ${image.status} after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiters.add(waiter);
      this.waiters.set(image.arn, waiters);
    });
  }

  /** Forgets every running build (reset): timers stop, late AMI registrations are ignored. */
  abandonAll(reason = 'the emulator was reset'): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const [arn, waiters] of this.waiters) {
      for (const waiter of waiters) waiter.reject(new Error(`Stopped waiting for ${arn}: ${reason}`));
    }
    this.waiters.clear();
  }

  /** For close(): no build moves any more, and in-flight AMI registrations are awaited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abandonAll('the emulator was closed');
    await Promise.allSettled([...this.inFlight]);
  }

  private isLive(image: ImageRecord): boolean {
    return !this.stopped && this.store.images.get(image.arn) === image && !isTerminal(image.status);
  }

  private runPhase(image: ImageRecord, plan: BuildPhase[], index: number): void {
    const phase = plan[index];
    const duration = phase ? image.phaseDurations[phase] : 0;
    const timer = setTimeout(() => {
      this.timers.delete(image.arn);
      if (!this.isLive(image)) return;
      const instruction = image.instruction;
      if (phase && instruction?.phase === phase) {
        this.transition(
          image,
          instruction.outcome,
          instruction.reason ?? defaultReason(instruction.outcome, phase),
        );
        return;
      }
      const next = plan[index + 1];
      if (next) {
        this.transition(image, next);
        this.runPhase(image, plan, index + 1);
      } else {
        this.track(this.complete(image));
      }
    }, duration);
    this.timers.set(image.arn, timer);
  }

  private async complete(image: ImageRecord): Promise<void> {
    let amis: OutputAmi[];
    try {
      amis = await this.publishAmis(image);
    } catch (error) {
      if (this.isLive(image)) {
        this.transition(image, 'FAILED', `Distribution failed: ${(error as Error).message}`);
      }
      return;
    }
    if (!this.isLive(image)) {
      this.logger.warn(
        `imagebuilder emulator: ${image.arn} ended while its AMI was registered; AMI left in EC2`,
      );
      return;
    }
    image.amis = amis;
    this.transition(image, 'AVAILABLE');
  }

  /** One AMI per distribution region; a pipeline without distribution settings publishes in the emulator's region. */
  private async publishAmis(image: ImageRecord): Promise<OutputAmi[]> {
    const pipeline = this.store.pipeline(image.pipelineArn);
    const configuration = pipeline.distributionConfigurationArn
      ? this.store.distributionConfigurations.get(pipeline.distributionConfigurationArn)
      : undefined;
    const distributions = configuration?.distributions.length
      ? configuration.distributions
      : [{ region: this.context.region, amiDistributionConfiguration: undefined }];
    const buildDate = new Date();
    const published: OutputAmi[] = [];
    for (const distribution of distributions) {
      const ami = distribution.amiDistributionConfiguration;
      published.push(
        await this.amis.publish({
          region: distribution.region,
          accountId: this.context.accountId,
          name: renderAmiName(ami?.name, {
            pipelineName: pipeline.name,
            buildDate,
            buildVersion: image.buildNumber,
          }),
          distribution: ami,
          imageBuildVersionArn: image.arn,
        }),
      );
    }
    return published;
  }

  private transition(image: ImageRecord, status: ImageStatus, reason?: string): void {
    const previousStatus = image.status;
    image.status = status;
    image.reason = reason;
    const pipeline = this.store.pipelines.get(image.pipelineArn);
    if (pipeline) pipeline.lastRunStatus = status;
    this.events.publish(
      stateChangeEvent(
        { imageArn: image.arn, previousStatus, status, ...(reason ? { reason } : {}) },
        this.context,
      ),
    );
    if (isTerminal(status)) this.settle(image);
  }

  private settle(image: ImageRecord): void {
    const waiters = this.waiters.get(image.arn);
    this.waiters.delete(image.arn);
    for (const waiter of waiters ?? []) waiter.resolve(outcomeOf(image));
  }

  private clearTimer(arn: string): void {
    clearTimeout(this.timers.get(arn));
    this.timers.delete(arn);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

const outcomeOf = (image: ImageRecord): ImageOutcome => ({
  status: image.status as TerminalStatus,
  ...(image.reason ? { reason: image.reason } : {}),
});

const defaultReason = (outcome: 'FAILED' | 'CANCELLED', phase: BuildPhase): string =>
  outcome === 'FAILED' ? `Image build failed during ${phase}.` : CANCELLED_BY_USER;
