/** Text shapes the CLI prints: aligned tables, `key: value` blocks, durations and timestamps. */

/** Columns padded to their widest cell; the last column is not padded (no trailing spaces). */
export const table = (headers: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
};

export const keyValues = (
  pairs: readonly (readonly [string, string | number | null | undefined])[],
): string => {
  const width = Math.max(...pairs.map(([key]) => key.length)) + 1;
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value ?? '-'}`).join('\n');
};

/** 42s, 3m05s, 1h02m. */
export const formatDuration = (seconds: number): string => {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
};

export const secondsBetween = (from: string | null | undefined, to: Date | string | null | undefined) => {
  if (!from || !to) return undefined;
  const seconds = (new Date(to).getTime() - new Date(from).getTime()) / 1000;
  return Number.isFinite(seconds) ? seconds : undefined;
};

/** `2026-12-04T03:00:05Z`: second precision is what a progress log needs. */
export const timestamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const json = (value: unknown): string => JSON.stringify(value, null, 2);
