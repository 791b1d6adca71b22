/**
 * aws-local-stepfunctions uses Promise.withResolvers (Node 22+). The Lambda runtime is Node 22; local development
 * may run Node 20, so the local stack and the tests load this first.
 */
const promiseCtor = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseCtor.withResolvers !== 'function') {
  promiseCtor.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
// The SDK warns once per process that Node 20 support ends; noise in a local stack and test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
