/** What every command gets: the I/O, output helpers honouring --json, and the API client from global options. */
import type { Command } from 'commander';
import { ApiClient, resolveBaseUrl } from './api-client';
import { json } from './format';
import { type CliIo, type Colors, colorsFor } from './io';

export interface GlobalOptions {
  api?: string;
  token?: string;
  json?: boolean;
}

export interface Context {
  io: CliIo;
  colors: Colors;
  /** --json: stdout carries exactly one JSON document and nothing else. */
  json: boolean;
  api: ApiClient;
  /** Human output on stdout (suppressed with --json). */
  print(text: string): void;
  /** The machine-readable result under --json, else the human text. */
  result(value: unknown, human: () => string): void;
  /** A warning on stderr (shown with --json too: stderr is not parsed). */
  warn(text: string): void;
}

export const createContext = (io: CliIo, command: Command): Context => {
  const options = command.optsWithGlobals<GlobalOptions>();
  const colors = colorsFor(io);
  const asJson = options.json === true;
  const print = (text: string) => {
    if (!asJson) io.stdout.write(`${text}\n`);
  };
  return {
    io,
    colors,
    json: asJson,
    api: new ApiClient({
      baseUrl: resolveBaseUrl(options.api, io.env),
      token: options.token || io.env.CLOUDBOOT_TOKEN || undefined,
    }),
    print,
    result: (value, human) => {
      if (asJson) io.stdout.write(`${json(value)}\n`);
      else print(human());
    },
    warn: (text) => io.stderr.write(`${colors.yellow('warning:')} ${text}\n`),
  };
};
