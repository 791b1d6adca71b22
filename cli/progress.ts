/**
 * Progress while waiting (on stderr, so stdout keeps only the result): on a TTY a spinner line redrawn in place,
 * with permanent lines printed above it; otherwise plain timestamped lines that read well in CI logs.
 */
import { timestamp } from './format';
import type { CliIo } from './io';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
const CLEAR_LINE = '\r\x1b[2K';

export interface Progress {
  /** A permanent line: printed above the live line on a TTY, with a timestamp otherwise. */
  line(text: string): void;
  /** What the live line shows, re-rendered every frame (TTY only; ignored otherwise). */
  live(render: () => string): void;
  /** Clears the live line and stops the timer; call it on every path out. */
  stop(): void;
}

export const createProgress = (io: CliIo, now: () => Date = () => new Date()): Progress => {
  if (!io.isTTY) {
    return {
      line: (text) => io.stderr.write(`${timestamp(now())} ${text}\n`),
      live: () => undefined,
      stop: () => undefined,
    };
  }
  let render: (() => string) | undefined;
  let frame = 0;
  const draw = () => {
    if (render) io.stderr.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length]} ${render()}`);
  };
  const timer = setInterval(() => {
    frame++;
    draw();
  }, FRAME_MS);
  timer.unref();
  return {
    line: (text) => {
      io.stderr.write(`${CLEAR_LINE}${text}\n`);
      draw();
    },
    live: (next) => {
      render = next;
      draw();
    },
    stop: () => {
      clearInterval(timer);
      if (render) io.stderr.write(CLEAR_LINE);
      render = undefined;
    },
  };
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CLOUDBOOT_POLL_MS lets tests poll fast; users get a gentle 2 s. */
export const pollInterval = (env: Record<string, string | undefined>): number => {
  const value = Number(env.CLOUDBOOT_POLL_MS);
  return Number.isFinite(value) && value > 0 ? value : 2000;
};
