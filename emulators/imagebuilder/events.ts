/**
 * Delivers image state changes the way EventBridge would: to an in-process callback and, optionally, to an HTTP
 * webhook. Delivery is best-effort; a failing consumer is logged and never stops a build.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorLogger, ImageStateChangeEvent } from './types';

export interface StateChange {
  imageArn: string;
  previousStatus: string;
  status: string;
  reason?: string;
}

/** EventBridge timestamps have second precision. */
const eventTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const stateChangeEvent = (
  change: StateChange,
  context: { region: string; accountId: string },
): ImageStateChangeEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'EC2 Image Builder Image State Change',
  source: 'aws.imagebuilder',
  account: context.accountId,
  time: eventTime(new Date()),
  region: context.region,
  resources: [change.imageArn],
  detail: {
    'previous-state': { status: change.previousStatus },
    state:
      change.reason === undefined
        ? { status: change.status }
        : { status: change.status, reason: change.reason },
  },
});

export class EventPublisher {
  /** Set through `PUT /_emulator/event-target`. */
  webhookUrl: string | undefined;
  /** Webhook posts are chained so a consumer sees events in the order they happened. */
  private webhookQueue: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly onStateChange: ((event: ImageStateChangeEvent) => void | Promise<void>) | undefined,
    private readonly logger: EmulatorLogger,
  ) {}

  publish(event: ImageStateChangeEvent): void {
    this.track(this.callCallback(event));
    const url = this.webhookUrl;
    if (url) {
      this.webhookQueue = this.webhookQueue.then(() => this.post(url, event));
      this.track(this.webhookQueue);
    }
  }

  /** Lets close() wait for deliveries already under way. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async callCallback(event: ImageStateChangeEvent): Promise<void> {
    if (!this.onStateChange) return;
    try {
      await this.onStateChange(event);
    } catch (error) {
      this.logger.warn(`imagebuilder emulator: onStateChange failed for ${event.detail.state.status}`, error);
    }
  }

  private async post(url: string, event: ImageStateChangeEvent): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok)
        this.logger.warn(`imagebuilder emulator: event target ${url} answered ${response.status}`);
    } catch (error) {
      this.logger.warn(`imagebuilder emulator: event target ${url} unreachable`, error);
    }
  }
}
