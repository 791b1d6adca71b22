/**
 * The AWSTOE action modules and the inputs each one requires, as documented in the Image Builder user guide
 * ("Action modules supported by AWSTOE component manager"). Optional inputs are not listed: real documents
 * carry extra keys (e.g. `force` on DeleteFile) and AWSTOE tolerates them, so only required keys are enforced.
 */
export type InputShape =
  /** `inputs` is a map, e.g. ExecuteBash `{ commands: [...] }`. */
  | { kind: 'map'; required: readonly string[]; oneOf?: readonly string[]; listKeys?: readonly string[] }
  /** `inputs` is a list of maps, e.g. S3Download `[{ source, destination }]`. */
  | { kind: 'list'; required: readonly string[] }
  /** `inputs` may be omitted; when present it is a map (Reboot, UpdateOS). */
  | { kind: 'optional-map'; listKeys?: readonly string[] }
  /** `inputs` is a map holding one comparison or logical operator expression (Assert). */
  | { kind: 'expression' };

const list = (...required: string[]): InputShape => ({ kind: 'list', required });

export const ACTIONS: Readonly<Record<string, InputShape>> = {
  // General execution
  Assert: { kind: 'expression' },
  ExecuteBash: { kind: 'map', required: ['commands'], listKeys: ['commands'] },
  ExecuteBinary: { kind: 'map', required: ['path'], listKeys: ['arguments'] },
  ExecuteDocument: { kind: 'map', required: ['document'], listKeys: ['parameters'] },
  ExecutePowerShell: { kind: 'map', required: [], oneOf: ['commands', 'file'], listKeys: ['commands'] },
  // File download and upload
  S3Download: list('source', 'destination'),
  S3Upload: list('source', 'destination'),
  WebDownload: list('source', 'destination'),
  // File system operations
  AppendFile: list('path'),
  CopyFile: list('source', 'destination'),
  CopyFolder: list('source', 'destination'),
  CreateFile: list('path'),
  CreateFolder: list('path'),
  CreateSymlink: list('path', 'target'),
  DeleteFile: list('path'),
  DeleteFolder: list('path'),
  ListFiles: list('path'),
  MoveFile: list('source', 'destination'),
  MoveFolder: list('source', 'destination'),
  ReadFile: list('path'),
  SetFileEncoding: list('path'),
  SetFileOwner: list('path', 'owner'),
  SetFolderOwner: list('path', 'owner'),
  SetFilePermissions: list('path', 'permissions'),
  SetFolderPermissions: list('path', 'permissions'),
  // Software installation
  InstallMSI: { kind: 'map', required: ['path'] },
  UninstallMSI: { kind: 'map', required: ['path'] },
  // System actions
  Reboot: { kind: 'optional-map' },
  SetRegistry: list('path', 'name', 'value', 'type'),
  UpdateOS: { kind: 'optional-map', listKeys: ['include', 'exclude'] },
};

export const ACTION_NAMES: readonly string[] = Object.keys(ACTIONS);

/** Closest known name, for "did you mean" hints; undefined when nothing is close. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const extended = candidates.find(
    (candidate) => lower.length >= 4 && candidate.toLowerCase().startsWith(lower),
  );
  if (extended) return extended;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
