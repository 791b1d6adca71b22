/** Image Builder image statuses, in the order a build passes through them. */
export const BUILD_PHASES = [
  'PENDING',
  'CREATING',
  'BUILDING',
  'TESTING',
  'DISTRIBUTING',
  'INTEGRATING',
] as const;
export type BuildPhase = (typeof BUILD_PHASES)[number];

export const TERMINAL_STATUSES = ['AVAILABLE', 'FAILED', 'CANCELLED'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** What the watcher sees; anything else Image Builder reports (DEPRECATED, DELETED, DISABLED) is treated as gone. */
export type BuildStatus = BuildPhase | TerminalStatus;

export const isBuildPhase = (status: string): status is BuildPhase =>
  (BUILD_PHASES as readonly string[]).includes(status);

export const isTerminalStatus = (status: string): status is TerminalStatus =>
  (TERMINAL_STATUSES as readonly string[]).includes(status);

/** Failed nights are those whose build ended without an image we could publish. */
export const isFailedStatus = (status: string): boolean => status === 'FAILED' || status === 'CANCELLED';

/** The UTC calendar date (`YYYY-MM-DD`) of a timestamp: what labels and "nights" are keyed by. */
export const buildDate = (at: Date): string => at.toISOString().slice(0, 10);
