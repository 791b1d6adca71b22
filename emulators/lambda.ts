/**
 * Invokes a Lambda handler in-process the way the Lambda service would: the event and the result cross a JSON
 * boundary (no shared objects, Dates become strings), and the handler gets a context object (middy and
 * Powertools read functionName, awsRequestId, getRemainingTimeInMillis...). Errors keep their `name`, which is
 * what Step Functions matches in Retry/Catch.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Any Lambda handler (`never` so handlers typed with their own event type are accepted). */
export type LambdaHandler = (event: never, context: Context) => unknown;

export interface InvokeOptions {
  functionName: string;
  region?: string;
  accountId?: string;
  /** The function's timeout; only reported through getRemainingTimeInMillis (nothing is interrupted). */
  timeoutMs?: number;
}

export const fakeLambdaContext = ({
  functionName,
  region = process.env.AWS_REGION ?? 'us-east-1',
  accountId = '123456789012',
  timeoutMs = 60_000,
}: InvokeOptions): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${randomUUID()}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const throughJson = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

export const invokeLikeLambda = async (
  handler: LambdaHandler,
  event: unknown,
  options: InvokeOptions,
): Promise<unknown> => {
  const result = await handler(throughJson(event) as never, fakeLambdaContext(options));
  return throughJson(result) ?? null;
};
