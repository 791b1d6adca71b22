/**
 * What the local stack shows: build phases as they happen (a live line on a TTY, timestamped lines otherwise),
 * the outcome of each build, and every SNS notification (the team's "e-mail").
 */
export interface Display {
  info(message: string): void;
  phase(build: string, status: string): void;
  done(): void;
}

const time = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const shortBuild = (imageArn: string) => imageArn.split(':image/')[1] ?? imageArn;

export const createDisplay = (stream: NodeJS.WriteStream = process.stdout): Display => {
  const live = stream.isTTY === true && !process.env.CI;
  const color = live && !process.env.NO_COLOR;
  const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);
  const phases = new Map<string, { status: string; since: number; history: string[] }>();
  let timer: NodeJS.Timeout | undefined;
  let liveLineShown = false;

  const clearLive = () => {
    if (liveLineShown) stream.write('\r\x1b[2K');
    liveLineShown = false;
  };
  const renderLive = () => {
    const running = [...phases.entries()].filter(
      ([, p]) => !['AVAILABLE', 'FAILED', 'CANCELLED'].includes(p.status),
    );
    clearLive();
    if (running.length === 0) return;
    const line = running
      .map(
        ([build, p]) =>
          `${bold(p.status)} ${shortBuild(build)} ${((Date.now() - p.since) / 1000).toFixed(0)}s`,
      )
      .join(' | ');
    stream.write(`⏳ ${line}`);
    liveLineShown = true;
  };

  return {
    info: (message) => {
      if (live) clearLive();
      stream.write(live ? `${message}\n` : `${time()} ${message}\n`);
      if (live) renderLive();
    },
    phase: (build, status) => {
      const previous = phases.get(build);
      const entry = { status, since: Date.now(), history: [...(previous?.history ?? []), status] };
      phases.set(build, entry);
      const took = previous
        ? ` (${previous.status} took ${((Date.now() - previous.since) / 1000).toFixed(1)}s)`
        : '';
      if (live) {
        clearLive();
        stream.write(`  ${shortBuild(build)} → ${bold(status)}${took}\n`);
        renderLive();
        timer ??= setInterval(renderLive, 1000);
        timer.unref();
      } else {
        stream.write(`${time()} build ${shortBuild(build)} ${status}${took}\n`);
      }
    },
    done: () => {
      if (timer) clearInterval(timer);
      if (live) clearLive();
    },
  };
};
