/** node:http plumbing: reads requests, routes them to API operations or control routes, writes JSON answers. */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { CONTROL_ROUTES, type ControlContext, ControlRouteError } from './control';
import { ImageBuilderApiError } from './errors';
import { newRequestId, OPERATIONS, type OperationContext } from './operations';
import type { EmulatorLogger } from './types';

const MAX_BODY_BYTES = 1024 * 1024;

class BadBodyError extends Error {
  override name = 'BadBodyError';
}

const readJsonBody = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadBodyError(`The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadBodyError('The request body is not valid JSON.');
  }
};

const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
};

/** restJson1 errors: the SDK picks the exception class from `x-amzn-errortype`. */
const sendApiError = (response: ServerResponse, error: ImageBuilderApiError, requestId: string): void =>
  sendJson(
    response,
    error.status,
    { message: error.message },
    { 'x-amzn-errortype': error.type, 'x-amzn-requestid': requestId },
  );

export const requestListener = (
  operations: OperationContext,
  control: ControlContext,
  logger: EmulatorLogger,
): RequestListener => {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://emulator.local');
    const method = request.method ?? 'GET';
    const requestId = newRequestId();

    const controlRoute = CONTROL_ROUTES[`${method} ${url.pathname}`];
    if (controlRoute) {
      try {
        const result = controlRoute(control, await readJsonBody(request));
        sendJson(response, result.status, result.body);
      } catch (error) {
        if (error instanceof ControlRouteError) {
          sendJson(response, error.status, { error: { code: error.code, message: error.message } });
        } else if (error instanceof BadBodyError) {
          sendJson(response, 400, { error: { code: 'InvalidBody', message: error.message } });
        } else {
          throw error;
        }
      }
      return;
    }

    const operation = OPERATIONS[url.pathname];
    if (!operation || operation.method !== method) {
      const message = `No operation or control route for ${method} ${url.pathname}.`;
      sendApiError(response, new ImageBuilderApiError('UnknownOperationException', message), requestId);
      return;
    }
    try {
      // restJson1 puts GET and DELETE members in the query string and the others in a JSON body.
      const input =
        method === 'GET' || method === 'DELETE'
          ? Object.fromEntries(url.searchParams)
          : await readJsonBody(request).catch((error: unknown) => {
              if (error instanceof BadBodyError)
                throw new ImageBuilderApiError('InvalidRequestException', error.message);
              throw error;
            });
      const output = operation.handle(operations, input);
      sendJson(response, 200, { requestId, ...output }, { 'x-amzn-requestid': requestId });
    } catch (error) {
      if (error instanceof ImageBuilderApiError) {
        sendApiError(response, error, requestId);
        return;
      }
      throw error;
    }
  };

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      // Anything unexpected is the emulator's bug: say so in the log, answer a generic server error.
      logger.warn(`imagebuilder emulator: ${request.method} ${request.url} failed`, error);
      if (!response.headersSent) {
        sendJson(
          response,
          500,
          { message: 'Internal emulator error.' },
          { 'x-amzn-errortype': 'ServiceException' },
        );
      } else {
        response.end();
      }
    });
  };
};
