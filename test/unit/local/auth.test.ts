import { generateKeyPair, SignJWT } from 'jose';
import { createLocalIssuer, ForbiddenError, UnauthorizedError } from '../../../local/auth';

const settings = {
  issuer: 'http://127.0.0.1:3000/local-issuer',
  audience: 'cloudboot',
  scope: 'cloudboot/environments',
  groupsClaim: 'cognito:groups',
  adminGroup: 'cloudboot-admins',
};

describe('local JWT authorizer', () => {
  it('accepts its own token and passes claims the way API Gateway does', async () => {
    const issuer = await createLocalIssuer(settings);
    const token = await issuer.mint('alice', { admin: true });

    const verified = await issuer.verify(`Bearer ${token}`, ['cloudboot/environments']);

    expect(verified.scopes).toEqual(['cloudboot/environments']);
    expect(verified.claims.sub).toBe('alice');
    // API Gateway flattens array claims into "[a b]" strings.
    expect(verified.claims['cognito:groups']).toBe('[cloudboot-admins]');
  });

  it.each([
    ['no header', async () => undefined],
    ['not a bearer token', async () => 'Basic YWxpY2U6cHc='],
    [
      'expired',
      async (issuer: Awaited<ReturnType<typeof createLocalIssuer>>) =>
        `Bearer ${await issuer.mint('alice', { expiresInSeconds: -60 })}`,
    ],
    [
      'signed by another key',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        const forged = await new SignJWT({ scope: settings.scope })
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer(settings.issuer)
          .setAudience(settings.audience)
          .setSubject('alice')
          .setExpirationTime('1h')
          .sign(privateKey);
        return `Bearer ${forged}`;
      },
    ],
    [
      'for another audience',
      async () => {
        const other = await createLocalIssuer({ ...settings, audience: 'someone-else' });
        return `Bearer ${await other.mint('alice')}`;
      },
    ],
  ])('refuses a token that is %s with UnauthorizedError', async (_case, header) => {
    const issuer = await createLocalIssuer(settings);
    const authorization = await header(issuer);

    await expect(issuer.verify(authorization, [])).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a valid token without the route scope with ForbiddenError', async () => {
    const issuer = await createLocalIssuer(settings);
    const token = await issuer.mint('alice');

    await expect(issuer.verify(`Bearer ${token}`, ['cloudboot/admin'])).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
