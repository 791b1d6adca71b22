/**
 * The local HTTP API: the same routes and handlers as API Gateway (HTTP API, payload format 2.0), with bearer
 * tokens verified like API Gateway's JWT authorizer. Local-only routes mint tokens for the CLI.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { invokeLikeLambda, type LambdaHandler } from '../emulators/lambda';
import { ForbiddenError, type LocalIssuer, UnauthorizedError } from './auth';
import type { HttpRoute } from './serverless-config';

export interface LocalRoute extends HttpRoute {
  functionName: string;
  handler: LambdaHandler;
}

interface MatchedRoute {
  route: LocalRoute;
  pathParameters: Record<string, string>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

/** `/environments/{id}/stop` → a RegExp with a named group per path parameter. */
const compile = (routePath: string): RegExp => {
  const escaped = routePath.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{([A-Za-z0-9_]+)\}/g, '(?<$1>[^/]+)')}$`);
};

const matchRoute = (routes: { route: LocalRoute; pattern: RegExp }[], method: string, path: string) => {
  let pathMatched = false;
  for (const { route, pattern } of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method || route.method === 'ANY') {
      return { matched: { route, pathParameters: { ...(match.groups ?? {}) } } as MatchedRoute, pathMatched };
    }
  }
  return { matched: undefined, pathMatched };
};

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const sendJson = (
  response: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** Builds the payload-2.0 event API Gateway would send for this request. */
export const toApiGatewayEvent = (
  request: IncomingMessage,
  body: Buffer,
  matched: MatchedRoute,
  authorizer: { claims: Record<string, string>; scopes: string[] } | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const textual = /^(application\/(json|[\w.+-]*\+json|x-www-form-urlencoded)|text\/)/i.test(
    headers['content-type'] ?? '',
  );
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${matched.route.method} ${matched.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${matched.route.method} ${matched.route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: authorizer ?? { claims: {}, scopes: [] } },
    },
    body: body.length > 0 ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
    stageVariables: undefined,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
};

const writeResult = (response: ServerResponse, result: unknown) => {
  // Payload 2.0: a non-structured result is a 200 JSON body.
  const structured =
    result && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, body: JSON.stringify(result), headers: { 'content-type': 'application/json' } };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
  response.writeHead(structured.statusCode ?? 200, headers);
  response.end(
    structured.isBase64Encoded ? Buffer.from(structured.body ?? '', 'base64') : (structured.body ?? ''),
  );
};

export interface LocalApiOptions {
  routes: LocalRoute[];
  issuer: LocalIssuer;
  region: string;
  /** Extra local-only routes (e.g. emulator pass-through); return true when handled. */
  extra?: (request: IncomingMessage, response: ServerResponse, body: Buffer) => Promise<boolean>;
}

export const createLocalApi = ({ routes, issuer, region, extra }: LocalApiOptions): Server => {
  const compiled = routes.map((route) => ({ route, pattern: compile(route.path) }));
  return createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = (request.method ?? 'GET').toUpperCase();

      if (method === 'GET' && url.pathname === '/.well-known/jwks.json')
        return sendJson(response, 200, issuer.jwks);
      if (method === 'POST' && url.pathname === '/_local/tokens') {
        let input: { sub?: unknown; admin?: unknown };
        try {
          input = JSON.parse(body.toString('utf8') || '{}');
        } catch {
          return sendJson(response, 400, errorBody('MalformedJson', 'Body is not valid JSON'));
        }
        if (typeof input.sub !== 'string' || !/^[A-Za-z0-9@._-]{1,128}$/.test(input.sub)) {
          return sendJson(
            response,
            400,
            errorBody('ValidationError', 'sub must be a user name (letters, digits, @._-)'),
          );
        }
        const token = await issuer.mint(input.sub, { admin: input.admin === true });
        return sendJson(response, 200, { token, issuer: issuer.settings.issuer, expiresIn: 12 * 3600 });
      }
      if (extra && (await extra(request, response, body))) return;

      const { matched, pathMatched } = matchRoute(compiled, method, url.pathname);
      if (!matched) {
        // API Gateway answers unknown routes with 404 {"message":"Not Found"}; we keep the project's error shape.
        return sendJson(
          response,
          pathMatched ? 405 : 404,
          errorBody(
            pathMatched ? 'MethodNotAllowed' : 'RouteNotFound',
            `No route for ${method} ${url.pathname}`,
          ),
        );
      }
      let authorizer: { claims: Record<string, string>; scopes: string[] } | undefined;
      if (matched.route.authorized) {
        try {
          authorizer = await issuer.verify(request.headers.authorization, matched.route.scopes);
        } catch (error) {
          if (error instanceof UnauthorizedError)
            return sendJson(response, 401, errorBody('Unauthorized', error.message));
          if (error instanceof ForbiddenError)
            return sendJson(response, 403, errorBody('Forbidden', error.message));
          throw error;
        }
      }
      const event = toApiGatewayEvent(request, body, matched, authorizer);
      const result = await invokeLikeLambda(matched.route.handler, event, {
        functionName: matched.route.functionName,
        region,
      });
      writeResult(response, result);
    } catch (error) {
      // A handler that throws is a 500 in API Gateway too ("Internal Server Error"); never leak the error.
      console.error(`local API: ${request.method} ${request.url} failed:`, error);
      if (!response.headersSent) sendJson(response, 500, errorBody('InternalError', 'Internal server error'));
      else response.end();
    }
  });
};
