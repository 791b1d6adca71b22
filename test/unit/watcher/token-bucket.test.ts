import { type Clock, TokenBucket } from '../../../functions/watcher/token-bucket';

/** A clock that only moves when someone sleeps (one FIFO sleeper per bucket here). */
const virtualClock = (): Clock & { t: number } => {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
};

test('bursts up to the bucket size, then paces at the refill rate', async () => {
  // Arrange
  const clock = virtualClock();
  const bucket = new TokenBucket({ capacity: 100, refillPerSecond: 5 }, clock);
  const times: number[] = [];

  // Act
  for (let call = 0; call < 110; call += 1) {
    await bucket.take();
    times.push(clock.now());
  }

  // Assess: 100 immediately, then one every ~200 ms.
  expect(times.slice(0, 100).every((t) => t === 0)).toBe(true);
  expect(times[100]).toBeGreaterThanOrEqual(200);
  expect(times[109]).toBeGreaterThanOrEqual(2000);
  expect(times[109]).toBeLessThanOrEqual(2000 + 10 * 2);
});

test('never lets more calls through than the service bucket allows in any window', async () => {
  const clock = virtualClock();
  const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1 }, clock);
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      await bucket.take();
      times.push(clock.now());
    }),
  );
  // 3 at t=0, then one per second.
  expect(times.filter((t) => t === 0)).toHaveLength(3);
  expect(Math.max(...times)).toBeGreaterThanOrEqual(5000);
});
