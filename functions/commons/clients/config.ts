/**
 * Shared settings for every AWS client. One file per client (./ec2.ts, ./ssm.ts, ...) so that esbuild bundles
 * only the clients a function really imports.
 *
 * No endpoint is configured here: the SDK reads `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_EC2`),
 * which is how the local stack and the integration tests point the very same code at moto_server and the
 * Image Builder emulator. Retries use the SDK's standard mode (exponential backoff with jitter, throttling aware).
 */
export const clientConfig = { retryMode: 'standard', maxAttempts: 5 } as const;
