/** The cloudboot HTTP API seen from the CLI: JSON in, schema-checked JSON out, typed errors. */
import { z } from 'zod';
import { ApiError, NetworkError, UnexpectedResponseError } from './errors';
import { ApiErrorBodySchema } from './schemas';

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  /** Per request; a stuck connection should not hang a terminal forever. */
  timeoutMs?: number;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Appended to the network error hint (e.g. how to retry safely). */
  networkHint?: string;
}

/** `--api` > CLOUDBOOT_API_URL > the local stack on PORT (default 3000). */
export const resolveBaseUrl = (flag: string | undefined, env: Record<string, string | undefined>): string =>
  (flag || env.CLOUDBOOT_API_URL || `http://127.0.0.1:${env.PORT || 3000}`).replace(/\/+$/, '');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export const isLoopback = (url: string): boolean => {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
};

/** Reads a property of an unknown thrown value; `instanceof` is unreliable across realms (jest, vm). */
const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;

/** undici hides the socket error (ECONNREFUSED, ENOTFOUND, …) in `cause`, sometimes inside an AggregateError. */
const networkReason = (error: unknown): string => {
  if (field(error, 'name') === 'TimeoutError') return 'timed out';
  const cause = field(error, 'cause');
  const nested = field(cause, 'errors');
  for (const candidate of [cause, ...(Array.isArray(nested) ? nested : [])]) {
    const code = field(candidate, 'code');
    if (typeof code === 'string') return code;
  }
  const message = field(cause, 'message') ?? field(error, 'message');
  return typeof message === 'string' ? message : String(error);
};

const GatewayErrorSchema = z.object({ message: z.string() });

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export class ApiClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.output<S>> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const hint = isLoopback(url)
        ? 'Is the local stack running (npm start)? Set --api or CLOUDBOOT_API_URL.'
        : 'Check --api or CLOUDBOOT_API_URL and your network.';
      const extra = options.networkHint ? ` ${options.networkHint}` : '';
      throw new NetworkError(url, networkReason(error), `${hint}${extra}`, { cause: error });
    }

    const body = parseJson(text);
    if (!response.ok) {
      const hint =
        response.status === 401 && !this.token
          ? 'No token was sent: set CLOUDBOOT_TOKEN (locally: export CLOUDBOOT_TOKEN=$(npx cloudboot token <user>))'
          : '';
      throw toApiError(response, body, url, hint);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      throw new UnexpectedResponseError(
        `unexpected response from ${method} ${url} (HTTP ${response.status})${where}: ${issue?.message ?? 'not JSON'}`,
      );
    }
    return parsed.data;
  }
}

const toApiError = (response: Response, body: unknown, url: string, hint: string): ApiError => {
  const parsed = ApiErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, ...details } = parsed.data.error;
    return new ApiError(response.status, code, message, details, hint);
  }
  // Not our error shape: API Gateway itself ({"message":"Unauthorized"}), a proxy, or another server.
  const gateway = GatewayErrorSchema.safeParse(body);
  const text = gateway.success ? gateway.data.message : `${response.statusText || 'error'} from ${url}`;
  return new ApiError(
    response.status,
    response.statusText.replace(/\s+/g, '') || 'HttpError',
    text,
    {},
    hint,
  );
};
