/**
 * EventBridge schedule expressions, for the local stack to fire the nightly build as the deployed rule would.
 * cron(minutes hours day-of-month month day-of-week year), UTC; day-of-week 1-7 = SUN-SAT or SUN..SAT; or rate(N unit).
 */
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

type FieldMatcher = (value: number) => boolean;

const parseField = (
  field: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = 1,
): FieldMatcher => {
  if (field === '*' || field === '?') return () => true;
  const allowed = new Set<number>();
  const toNumber = (token: string): number => {
    const index = names.indexOf(token.toUpperCase());
    const value = index >= 0 ? index + nameBase : Number(token);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`schedule: "${token}" is outside ${min}-${max}`);
    }
    return value;
  };
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`schedule: bad step in "${part}"`);
    const [from, to] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(toNumber)
          : [toNumber(range), undefined];
    const last = to ?? (stepText === undefined ? from : max);
    for (let value = from ?? min; value <= (last ?? max); value += step) allowed.add(value);
  }
  return (value) => allowed.has(value);
};

export interface Schedule {
  /** The first fire time strictly after `after`. */
  next(after: Date): Date;
  expression: string;
}

export const parseSchedule = (expression: string): Schedule => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unitMs = rate[2]?.startsWith('minute')
      ? 60_000
      : rate[2]?.startsWith('hour')
        ? 3_600_000
        : 86_400_000;
    const periodMs = Number(rate[1]) * unitMs;
    return {
      expression,
      next: (after) => new Date(Math.floor(after.getTime() / periodMs) * periodMs + periodMs),
    };
  }
  const fields = /^cron\((.+)\)$/.exec(expression)?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) throw new Error(`schedule: unsupported expression ${expression}`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const matchMinute = parseField(minutes, 0, 59);
  const matchHour = parseField(hours, 0, 23);
  const matchDayOfMonth = parseField(dayOfMonth, 1, 31);
  const matchMonth = parseField(month, 1, 12, MONTH_NAMES, 1);
  const matchDayOfWeek = parseField(dayOfWeek, 1, 7, DAY_NAMES, 1);
  const matchYear = parseField(year, 1970, 2199);
  return {
    expression,
    next: (after) => {
      const candidate = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
      // Minute steps, skipping whole days that cannot match; at most ~5 years of search.
      for (let guard = 0; guard < 5 * 366 * 24 * 60; guard++) {
        const dayMatches =
          matchYear(candidate.getUTCFullYear()) &&
          matchMonth(candidate.getUTCMonth() + 1) &&
          matchDayOfMonth(candidate.getUTCDate()) &&
          matchDayOfWeek(candidate.getUTCDay() + 1);
        if (!dayMatches) {
          candidate.setUTCHours(24, 0, 0, 0);
          continue;
        }
        if (matchHour(candidate.getUTCHours()) && matchMinute(candidate.getUTCMinutes()))
          return new Date(candidate);
        candidate.setTime(candidate.getTime() + 60_000);
      }
      throw new Error(`schedule: ${expression} never fires`);
    },
  };
};
