/** `cloudboot token <user>`: a bearer token from the local stack's own issuer (local only). */
import type { Command } from 'commander';
import { type Context, createContext } from '../context';
import { ApiError, CliError } from '../errors';
import type { CliIo } from '../io';
import { TokenSchema } from '../schemas';

export const NOT_LOCAL_MESSAGE =
  'token minting only works against the local stack (npm start); against a deployed API, get a token from your identity provider';

/** A deployed API has no such route: API Gateway answers 404 (or 401/403/405 in front of a default route). */
const NOT_LOCAL_STATUSES = new Set([401, 403, 404, 405]);

export const mintToken = async (
  context: Context,
  user: string,
  options: { admin?: boolean },
): Promise<void> => {
  let token: { token: string };
  try {
    token = await context.api.request('POST', '/_local/tokens', TokenSchema, {
      body: { sub: user, admin: options.admin === true },
    });
  } catch (error) {
    if (error instanceof ApiError && NOT_LOCAL_STATUSES.has(error.status)) {
      throw new CliError(`${NOT_LOCAL_MESSAGE} (${context.api.baseUrl} answered HTTP ${error.status})`, {
        cause: error,
      });
    }
    throw error;
  }
  context.result(token, () => token.token);
};

export const registerTokenCommand = (program: Command, io: CliIo): void => {
  program
    .command('token')
    .description('print a bearer token for <user> from the local stack (e.g. export CLOUDBOOT_TOKEN=$(…))')
    .argument('<user>', 'the subject (owner) of the token')
    .option('--admin', 'member of the admin group (builds, prune, env list --all)')
    .action((user: string, options: { admin?: boolean }, command: Command) =>
      mintToken(createContext(io, command), user, options),
    );
};
