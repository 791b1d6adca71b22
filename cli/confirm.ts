/** Yes/no questions before destructive actions; only ever asked on a TTY (callers check). */
import { createInterface } from 'node:readline';
import type { CliIo } from './io';

export const confirm = async (io: CliIo, question: string): Promise<boolean> => {
  const readline = createInterface({ input: io.stdin, terminal: false });
  try {
    io.stderr.write(`${question} [y/N] `);
    const answer = await new Promise<string>((resolve) => {
      readline.once('line', resolve);
      readline.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    readline.close();
  }
};
