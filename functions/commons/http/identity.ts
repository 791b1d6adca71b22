import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { optionalEnv } from '#commons/env';
import { UnauthorizedError } from './errors';

export interface CallerIdentity {
  /** The token's `sub`: the only source of ownership. */
  owner: string;
  isAdmin: boolean;
  scopes: string[];
}

type JwtClaimValue = string | number | boolean | string[];

/**
 * API Gateway flattens array claims into strings such as `[admin dev]`; the local stack may pass a real array
 * or a JSON array string. Accept all of them, plus comma/space separated lists.
 */
export const parseGroupsClaim = (value: JwtClaimValue | undefined): string[] => {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String).filter((group) => group.length > 0);
  const text = String(value).trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String).filter((group) => group.length > 0);
    } catch {
      // not JSON: the bracketed, space-separated form API Gateway produces
    }
    return text
      .slice(1, text.endsWith(']') ? -1 : undefined)
      .split(/[\s,]+/)
      .filter((group) => group.length > 0);
  }
  return text.split(/[\s,]+/).filter((group) => group.length > 0);
};

/** Who is calling, from the JWT authorizer context only (never from the body, path or headers). */
export const callerIdentity = (event: APIGatewayProxyEventV2WithJWTAuthorizer): CallerIdentity => {
  const jwt = event.requestContext?.authorizer?.jwt;
  const sub = jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub.trim() === '') throw new UnauthorizedError();
  const adminGroup = optionalEnv('ADMIN_GROUP', '');
  const groups = parseGroupsClaim(jwt.claims[optionalEnv('GROUPS_CLAIM', 'cognito:groups')]);
  return {
    owner: sub,
    isAdmin: adminGroup !== '' && groups.includes(adminGroup),
    scopes: Array.isArray(jwt.scopes) ? jwt.scopes : [],
  };
};
