import { createHash } from 'node:crypto';

const shortHash = (value: string, length: number): string =>
  createHash('sha256').update(value).digest('hex').slice(0, length);

/**
 * The Step Functions execution that watches a build is named after the build, so starting it twice is a no-op.
 * `arn:…:image/cloudboot-dev-recipe/1.0.3/7` → `cloudboot-dev-recipe-1_0_3-7` (names allow [A-Za-z0-9-_], ≤ 80).
 */
export const watcherExecutionName = (imageBuildVersionArn: string): string => {
  const resource = imageBuildVersionArn.split(':image/')[1] ?? imageBuildVersionArn;
  const name = resource.replaceAll('/', '-').replace(/[^A-Za-z0-9_-]/g, '_');
  return name.length <= 80 ? name : `${name.slice(0, 71)}-${shortHash(name, 8)}`;
};

/**
 * Image Builder idempotency token for a scheduled build: the same scheduled time and pipeline always give the
 * same token (≤ 36 characters), so EventBridge re-deliveries and Lambda retries of one night start one build.
 */
export const scheduledBuildToken = (scheduledTime: Date, pipelineArn: string): string => {
  const minute = scheduledTime.toISOString().slice(0, 16).replace(/[-:]/g, ''); // 20261204T0300
  return `n-${minute}-${shortHash(pipelineArn, 8)}`;
};

/** A build's id is its watcher execution's name; the ARN follows from the state machine's. */
export const executionArnOf = (stateMachineArn: string, executionName: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
