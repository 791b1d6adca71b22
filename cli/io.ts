/** Where the CLI reads and writes: the real process by default, in-memory streams in tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  /** An interactive terminal: prompts, live progress and (unless NO_COLOR) colors. */
  isTTY: boolean;
  /** Relative file arguments resolve against this (default: process.cwd()). */
  cwd?: string;
}

export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY && process.stdin.isTTY),
});

export interface Colors {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\x1b[${open}m${text}\x1b[${close}m`;

const plain = (text: string): string => text;

/** https://no-color.org: a non-empty NO_COLOR turns colors off; pipes and files never get escape codes. */
export const colorsFor = (io: CliIo): Colors =>
  io.isTTY && !io.env.NO_COLOR
    ? { bold: sgr(1, 22), dim: sgr(2, 22), green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39) }
    : { bold: plain, dim: plain, green: plain, red: plain, yellow: plain };
