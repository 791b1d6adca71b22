/**
 * Reads the image the nightly pipeline published: an SSM parameter (data type aws:ec2:image) whose versions are
 * labeled with their build date. SSM rejects labels that begin with a digit, so the watcher (functions/watcher/
 * labels.ts) writes `build-YYYY-MM-DD`; the API speaks the bare date `YYYY-MM-DD` and translates here.
 */
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  type Parameter,
  type ParameterHistory,
  type SSMClient,
} from '@aws-sdk/client-ssm';

export interface PublishedImage {
  amiId: string;
  version: number;
  /** The version's build date `YYYY-MM-DD` (from its `build-YYYY-MM-DD` label), or null when it has none. */
  label: string | null;
  /** When this parameter version was written (ISO 8601). */
  publishedAt: string;
}

export class NoImagePublishedError extends Error {
  override name = 'NoImagePublishedError';
  constructor(parameterName: string, options?: { cause?: unknown }) {
    super(`No image has been published to ${parameterName} yet`, options);
  }
}

export class ImageLabelNotFoundError extends Error {
  override name = 'ImageLabelNotFoundError';
  constructor(
    readonly label: string,
    options?: { cause?: unknown },
  ) {
    super(`No published image is labeled ${label}`, options);
  }
}

/** Must match the watcher's labels (functions/watcher/labels.ts). */
export const SSM_LABEL_PREFIX = 'build-';
const SSM_LABEL_PATTERN = /^build-(\d{4}-\d{2}-\d{2})$/;

/** `YYYY-MM-DD` → the SSM label the watcher put on that night's version. */
export const ssmLabel = (date: string): string => `${SSM_LABEL_PREFIX}${date}`;
const NOT_FOUND_ERRORS = new Set([
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'ParameterVersionLabelNotFound',
]);

const isNotFound = (error: unknown): boolean => error instanceof Error && NOT_FOUND_ERRORS.has(error.name);

const toImage = (
  parameter: Parameter | undefined,
  label: string | null,
  parameterName: string,
): PublishedImage => {
  if (!parameter?.Value || parameter.Version === undefined) throw new NoImagePublishedError(parameterName);
  return {
    amiId: parameter.Value,
    version: parameter.Version,
    label,
    publishedAt: (parameter.LastModifiedDate ?? new Date(0)).toISOString(),
  };
};

/** The date label of one version (the newest date-shaped label wins), walking the history pages. */
const labelOfVersion = async (
  ssm: SSMClient,
  parameterName: string,
  version: number,
): Promise<string | null> => {
  let nextToken: string | undefined;
  do {
    const page = await ssm.send(
      new GetParameterHistoryCommand({ Name: parameterName, MaxResults: 50, NextToken: nextToken }),
    );
    const match = (page.Parameters ?? []).find((entry: ParameterHistory) => entry.Version === version);
    if (match) {
      const dates = (match.Labels ?? []).flatMap((label) => SSM_LABEL_PATTERN.exec(label)?.[1] ?? []).sort();
      return dates.at(-1) ?? null;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return null;
};

export interface ImageReaderOptions {
  ssm: SSMClient;
  parameterName: string;
  ttlSeconds: number;
  now?: () => number;
}

export interface ImageReader {
  /** The current published image (cached for ttlSeconds per container). */
  current(): Promise<PublishedImage>;
  /** The image of the version labeled with that build date (cached for ttlSeconds too: labels rarely move). */
  byLabel(label: string): Promise<PublishedImage>;
}

/** A per-container reader with a small TTL cache; tests inject the clock. */
export const createImageReader = ({
  ssm,
  parameterName,
  ttlSeconds,
  now = Date.now,
}: ImageReaderOptions): ImageReader => {
  const cache = new Map<string, { expiresAt: number; image: Promise<PublishedImage> }>();

  const cached = (key: string, load: () => Promise<PublishedImage>): Promise<PublishedImage> => {
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now()) return hit.image;
    // Concurrent callers in one container share the in-flight lookup; failures are not cached.
    const image = load();
    cache.set(key, { expiresAt: now() + ttlSeconds * 1000, image });
    image.catch(() => cache.delete(key));
    return image;
  };

  return {
    current: () =>
      cached('', async () => {
        try {
          const { Parameter } = await ssm.send(new GetParameterCommand({ Name: parameterName }));
          const image = toImage(Parameter, null, parameterName);
          return { ...image, label: await labelOfVersion(ssm, parameterName, image.version) };
        } catch (error) {
          if (isNotFound(error)) throw new NoImagePublishedError(parameterName, { cause: error });
          throw error;
        }
      }),
    byLabel: (label) =>
      cached(`:${label}`, async () => {
        try {
          const { Parameter } = await ssm.send(
            new GetParameterCommand({ Name: `${parameterName}:${ssmLabel(label)}` }),
          );
          return toImage(Parameter, label, parameterName);
        } catch (error) {
          if (isNotFound(error)) throw new ImageLabelNotFoundError(label, { cause: error });
          throw error;
        }
      }),
  };
};
