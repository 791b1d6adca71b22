import { parseSchedule } from '../../../local/schedule';

describe('EventBridge schedule expressions in the local stack', () => {
  it.each([
    ['cron(0 3 * * ? *)', '2026-12-04T19:00:00Z', '2026-12-05T03:00:00.000Z'],
    ['cron(0 3 * * ? *)', '2026-12-04T02:59:30Z', '2026-12-04T03:00:00.000Z'],
    ['cron(0 3 * * ? *)', '2026-12-04T03:00:00Z', '2026-12-05T03:00:00.000Z'],
    ['cron(30 8 ? * MON-FRI *)', '2026-12-04T19:00:00Z', '2026-12-07T08:30:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-12-04T10:07:00Z', '2026-12-04T10:15:00.000Z'],
    ['cron(0 0 1 JAN ? *)', '2026-12-04T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['rate(5 minutes)', '2026-12-04T19:02:00Z', '2026-12-04T19:05:00.000Z'],
  ])('%s after %s fires at %s', (expression, after, expected) => {
    expect(parseSchedule(expression).next(new Date(after)).toISOString()).toBe(expected);
  });

  it.each(['cron(0 3 * *)', 'every night', 'cron(99 3 * * ? *)'])('rejects %s', (expression) => {
    expect(() => parseSchedule(expression).next(new Date())).toThrow(/schedule/);
  });
});
