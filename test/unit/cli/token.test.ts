import { type FakeApi, type Routes, runAgainst, startFakeApi } from './fake-api';

describe('cloudboot token', () => {
  let api: FakeApi;
  const serve = async (routes: Routes) => {
    api = await startFakeApi(routes);
  };
  afterEach(() => api?.close());

  it('asks the local stack for a token and prints just the token', async () => {
    await serve({ 'POST /_local/tokens': { status: 200, body: { token: 'eyJhbGciOi.alice.sig' } } });

    const result = await runAgainst(api, ['token', 'alice'], { env: { CLOUDBOOT_TOKEN: undefined } });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('eyJhbGciOi.alice.sig\n');
    expect(api.requests[0]).toMatchObject({
      method: 'POST',
      path: '/_local/tokens',
      body: { sub: 'alice', admin: false },
    });
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('--admin asks for an admin token; --json prints the response', async () => {
    await serve({ 'POST /_local/tokens': { status: 200, body: { token: 'eyJ.root.sig' } } });

    const result = await runAgainst(api, ['token', 'root', '--admin', '--json']);

    expect(api.requests[0]?.body).toEqual({ sub: 'root', admin: true });
    expect(JSON.parse(result.stdout)).toEqual({ token: 'eyJ.root.sig' });
  });

  it('against an API without the local token route explains where tokens come from', async () => {
    await serve({});

    const result = await runAgainst(api, ['token', 'alice']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'error: token minting only works against the local stack (npm start); against a deployed API, get a token from your identity provider',
    );
    expect(result.stderr).toContain(`${api.url} answered HTTP 404`);
  });

  it('against API Gateway (a plain {"message"} 401) gives the same explanation', async () => {
    await serve({ 'POST /_local/tokens': { status: 401, body: { message: 'Unauthorized' } } });

    const result = await runAgainst(api, ['token', 'alice']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('token minting only works against the local stack');
  });

  it('without a user prints usage and exits 2', async () => {
    const result = await runAgainst({ url: 'http://127.0.0.1:9', requests: [], close: async () => {} }, [
      'token',
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: missing required argument 'user'");
    expect(result.stderr).toContain('Usage: cloudboot token [options] <user>');
  });
});
