/**
 * The local stack's identity provider and JWT authorizer. It signs tokens with a key pair made at start-up and
 * verifies bearer tokens the way API Gateway's JWT authorizer does: signature, issuer, audience, expiry and scope.
 */
import { randomUUID } from 'node:crypto';
import {
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  type KeyObject,
  SignJWT,
} from 'jose';

export interface LocalIssuerSettings {
  issuer: string;
  audience: string;
  scope: string;
  groupsClaim: string;
  adminGroup: string;
}

export interface VerifiedToken {
  /** Claims as API Gateway passes them to Lambda: every value a string, arrays flattened to "[a b]". */
  claims: Record<string, string>;
  scopes: string[];
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

const ALGORITHM = 'ES256';

const flattenClaim = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(String).join(' ')}]`
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

export interface LocalIssuer {
  settings: LocalIssuerSettings;
  jwks: { keys: JWK[] };
  mint(subject: string, options?: { admin?: boolean; expiresInSeconds?: number }): Promise<string>;
  verify(authorization: string | undefined, requiredScopes: string[]): Promise<VerifiedToken>;
}

export const createLocalIssuer = async (settings: LocalIssuerSettings): Promise<LocalIssuer> => {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM);
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey as KeyObject)), kid, alg: ALGORITHM, use: 'sig' };

  return {
    settings,
    jwks: { keys: [publicJwk] },
    mint: async (subject, { admin = false, expiresInSeconds = 12 * 3600 } = {}) => {
      const claims: JWTPayload = { scope: settings.scope, token_use: 'access' };
      if (admin) claims[settings.groupsClaim] = [settings.adminGroup];
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, kid })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },
    verify: async (authorization, requiredScopes) => {
      const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
      if (!token) throw new UnauthorizedError('Missing bearer token');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: [ALGORITHM],
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        throw new UnauthorizedError(`Invalid token: ${(error as Error).message}`, { cause: error });
      }
      const scopeClaim = payload.scope ?? payload.scp;
      const scopes = Array.isArray(scopeClaim)
        ? scopeClaim.map(String)
        : String(scopeClaim ?? '')
            .split(' ')
            .filter(Boolean);
      // API Gateway: the token must carry at least one of the route's scopes.
      if (requiredScopes.length > 0 && !requiredScopes.some((scope) => scopes.includes(scope))) {
        throw new ForbiddenError('Token lacks the required scope');
      }
      const claims = Object.fromEntries(
        Object.entries(payload).map(([name, value]) => [name, flattenClaim(value)]),
      );
      return { claims, scopes };
    },
  };
};
