/**
 * A client-side token bucket mirroring one of EC2's API rate-limit buckets, so pruning never bursts into
 * RequestLimitExceeded. Waiters are served in order (FIFO); the clock is injectable so tests and the bench can
 * run hours of pacing in milliseconds.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface BucketLimits {
  /** Bucket size: how many calls may burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/** EC2 request rate limits: DeregisterImage and DeleteSnapshot each have a bucket of 100 tokens refilled at 5/s. */
export const EC2_DELETE_LIMITS: BucketLimits = { capacity: 100, refillPerSecond: 5 };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limits: BucketLimits,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = limits.capacity;
    this.updatedAt = clock.now();
  }

  /** Resolves when one call may be made; callers are served in the order they asked. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeOne());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private refill(): void {
    const now = this.clock.now();
    const added = ((now - this.updatedAt) * this.limits.refillPerSecond) / 1000;
    this.tokens = Math.min(this.limits.capacity, this.tokens + added);
    this.updatedAt = now;
  }

  private async takeOne(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      // +1 ms so rounding never lets us arrive a hair before the service's bucket has refilled.
      await this.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.limits.refillPerSecond) + 1);
      this.refill();
    }
    this.tokens -= 1;
  }
}
