/** The emulator's in-memory resources, and the client-token bookkeeping that makes create/start calls idempotent. */
import { ImageBuilderApiError, notFound } from './errors';
import type { DistributionConfigurationRecord, ImageRecord, PipelineRecord } from './types';

interface IdempotentCall {
  fingerprint: string;
  response: Record<string, unknown>;
}

/** Key order must not matter when comparing two requests made with the same client token. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );

export class ImageBuilderStore {
  readonly pipelines = new Map<string, PipelineRecord>();
  readonly distributionConfigurations = new Map<string, DistributionConfigurationRecord>();
  readonly images = new Map<string, ImageRecord>();
  private readonly idempotentCalls = new Map<string, IdempotentCall>();

  clear(): void {
    this.pipelines.clear();
    this.distributionConfigurations.clear();
    this.images.clear();
    this.idempotentCalls.clear();
  }

  pipeline(arn: string): PipelineRecord {
    const pipeline = this.pipelines.get(arn);
    if (!pipeline) throw notFound('image pipeline', arn);
    return pipeline;
  }

  distributionConfiguration(arn: string): DistributionConfigurationRecord {
    const configuration = this.distributionConfigurations.get(arn);
    if (!configuration) throw notFound('distribution configuration', arn);
    return configuration;
  }

  image(arn: string): ImageRecord {
    const image = this.images.get(arn);
    if (!image) throw notFound('image', arn);
    return image;
  }

  /** Images of a pipeline, newest (highest build number) first. */
  imagesOf(pipelineArn: string): ImageRecord[] {
    return [...this.images.values()]
      .filter((image) => image.pipelineArn === pipelineArn)
      .sort((a, b) => b.buildNumber - a.buildNumber);
  }

  /**
   * Like the real service: a repeated client token with the same request replays the first response and does
   * nothing else; with a different request it is an IdempotentParameterMismatchException.
   */
  idempotent<T extends Record<string, unknown>>(
    operation: string,
    clientToken: string,
    request: Record<string, unknown>,
    perform: () => T,
  ): T {
    const key = `${operation}\n${clientToken}`;
    const { clientToken: _ignored, ...rest } = request;
    const fingerprint = canonical(rest);
    const previous = this.idempotentCalls.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new ImageBuilderApiError(
          'IdempotentParameterMismatchException',
          `The client token '${clientToken}' was already used for ${operation} with different parameters.`,
        );
      }
      return previous.response as T;
    }
    const response = perform();
    this.idempotentCalls.set(key, { fingerprint, response });
    return response;
  }
}
