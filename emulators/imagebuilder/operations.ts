/**
 * The Image Builder API operations the emulator serves. Each takes the request members (query or JSON body, as the
 * SDK sends them) and returns the response members; failures are ImageBuilderApiErrors.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type ArnContext,
  distributionConfigurationArn,
  imageBuildVersionArn,
  pipelineArn,
  recipeOf,
} from './arns';
import { BuildRunner } from './builds';
import { ImageBuilderApiError } from './errors';
import type { BuildSettings } from './settings';
import type { ImageBuilderStore } from './store';
import { type ImageRecord, isTerminal } from './types';
import { distributionConfigurationView, imageSummaryView, imageView, pipelineView } from './views';

export interface OperationContext {
  store: ImageBuilderStore;
  runner: BuildRunner;
  settings: BuildSettings;
  arns: ArnContext;
}

type Handler = (context: OperationContext, input: unknown) => Record<string, unknown>;

export interface Operation {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  handle: Handler;
}

const tags = z.record(z.string(), z.string());
const arn = z.string().min(1);

const parse = <T>(schema: z.ZodType<T>, input: unknown): T => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map(
    (issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`,
  );
  throw new ImageBuilderApiError('InvalidRequestException', `Invalid request: ${details.join('; ')}`);
};

const now = (): string => new Date().toISOString();

const createDistributionConfiguration: Handler = ({ store, arns }, input) => {
  const request = parse(
    z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      distributions: z
        .array(
          z.object({
            region: z.string().min(1),
            amiDistributionConfiguration: z
              .object({
                name: z.string().optional(),
                description: z.string().optional(),
                amiTags: tags.optional(),
              })
              .optional(),
          }),
        )
        .min(1),
      tags: tags.optional(),
      clientToken: z.string().min(1),
    }),
    input,
  );
  return store.idempotent('CreateDistributionConfiguration', request.clientToken, request, () => {
    const configurationArn = distributionConfigurationArn(arns, request.name);
    if (store.distributionConfigurations.has(configurationArn)) {
      throw new ImageBuilderApiError(
        'ResourceAlreadyExistsException',
        `The distribution configuration '${configurationArn}' already exists.`,
      );
    }
    store.distributionConfigurations.set(configurationArn, {
      arn: configurationArn,
      name: request.name,
      ...(request.description === undefined ? {} : { description: request.description }),
      distributions: request.distributions,
      tags: request.tags ?? {},
      dateCreated: now(),
    });
    return { clientToken: request.clientToken, distributionConfigurationArn: configurationArn };
  });
};

const getDistributionConfiguration: Handler = ({ store }, input) => {
  const request = parse(z.object({ distributionConfigurationArn: arn }), input);
  return {
    distributionConfiguration: distributionConfigurationView(
      store.distributionConfiguration(request.distributionConfigurationArn),
    ),
  };
};

const createImagePipeline: Handler = ({ store, arns }, input) => {
  const request = parse(
    z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      imageRecipeArn: arn,
      infrastructureConfigurationArn: arn,
      distributionConfigurationArn: arn.optional(),
      status: z.enum(['ENABLED', 'DISABLED']).optional(),
      tags: tags.optional(),
      clientToken: z.string().min(1),
    }),
    input,
  );
  return store.idempotent('CreateImagePipeline', request.clientToken, request, () => {
    const imagePipelineArn = pipelineArn(arns, request.name);
    if (store.pipelines.has(imagePipelineArn)) {
      throw new ImageBuilderApiError(
        'ResourceAlreadyExistsException',
        `The image pipeline '${imagePipelineArn}' already exists.`,
      );
    }
    // The recipe and infrastructure configuration are opaque, but the distribution decides the AMI's name and tags.
    if (request.distributionConfigurationArn)
      store.distributionConfiguration(request.distributionConfigurationArn);
    const recipe = recipeOf(request.imageRecipeArn, request.name);
    store.pipelines.set(imagePipelineArn, {
      arn: imagePipelineArn,
      name: request.name,
      ...(request.description === undefined ? {} : { description: request.description }),
      imageRecipeArn: request.imageRecipeArn,
      infrastructureConfigurationArn: request.infrastructureConfigurationArn,
      ...(request.distributionConfigurationArn
        ? { distributionConfigurationArn: request.distributionConfigurationArn }
        : {}),
      status: request.status ?? 'ENABLED',
      tags: request.tags ?? {},
      dateCreated: now(),
      recipeName: recipe.name,
      recipeVersion: recipe.version,
      lastBuildNumber: 0,
    });
    return { clientToken: request.clientToken, imagePipelineArn };
  });
};

const getImagePipeline: Handler = ({ store }, input) => {
  const request = parse(z.object({ imagePipelineArn: arn }), input);
  return { imagePipeline: pipelineView(store.pipeline(request.imagePipelineArn)) };
};

const startImagePipelineExecution: Handler = ({ store, runner, settings, arns }, input) => {
  const request = parse(
    z.object({ imagePipelineArn: arn, clientToken: z.string().min(1), tags: tags.optional() }),
    input,
  );
  return store.idempotent('StartImagePipelineExecution', request.clientToken, request, () => {
    const pipeline = store.pipeline(request.imagePipelineArn);
    // Judgement call: a disabled pipeline refuses manual runs too, so a forgotten DISABLED status surfaces loudly.
    if (pipeline.status === 'DISABLED') {
      throw new ImageBuilderApiError(
        'InvalidRequestException',
        `The image pipeline '${pipeline.arn}' is DISABLED and cannot be started.`,
      );
    }
    pipeline.lastBuildNumber += 1;
    const buildNumber = pipeline.lastBuildNumber;
    const recipe = { name: pipeline.recipeName, version: pipeline.recipeVersion };
    const instruction = settings.takeNextBuild();
    const phaseDurations = { ...settings.phaseDurations };
    const image: ImageRecord = {
      arn: imageBuildVersionArn(arns, recipe, buildNumber),
      pipelineArn: pipeline.arn,
      name: recipe.name,
      version: `${recipe.version}/${buildNumber}`,
      buildNumber,
      status: BuildRunner.initialStatus({ phaseDurations, instruction }),
      dateCreated: now(),
      tags: { ...pipeline.tags, ...request.tags },
      amis: [],
      phaseDurations,
      ...(instruction ? { instruction } : {}),
    };
    store.images.set(image.arn, image);
    pipeline.dateLastRun = image.dateCreated;
    pipeline.lastRunStatus = image.status;
    runner.start(image);
    return { clientToken: request.clientToken, imageBuildVersionArn: image.arn };
  });
};

const getImage: Handler = ({ store, arns }, input) => {
  const request = parse(z.object({ imageBuildVersionArn: arn }), input);
  const image = store.image(request.imageBuildVersionArn);
  const pipeline = store.pipeline(image.pipelineArn);
  const distribution = pipeline.distributionConfigurationArn
    ? store.distributionConfigurations.get(pipeline.distributionConfigurationArn)
    : undefined;
  return { image: imageView(image, pipeline, distribution, arns) };
};

const PAGE_SIZE_LIMIT = 25;

interface PageCursor {
  pipeline: string;
  /** Build number of the last image returned; the next page starts below it, so new builds never shift pages. */
  before: number;
}

const encodeCursor = (cursor: PageCursor): string =>
  Buffer.from(JSON.stringify(cursor)).toString('base64url');

const decodeCursor = (token: string, pipeline: string): PageCursor => {
  const invalid = new ImageBuilderApiError('InvalidPaginationTokenException', 'The nextToken is not valid.');
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const parsed = z.object({ pipeline: z.string(), before: z.number().int() }).safeParse(cursor);
  if (!parsed.success || parsed.data.pipeline !== pipeline) throw invalid;
  return parsed.data;
};

const listImagePipelineImages: Handler = ({ store, arns }, input) => {
  const request = parse(
    z.object({
      imagePipelineArn: arn,
      filters: z
        .array(z.object({ name: z.enum(['name', 'version']), values: z.array(z.string()).min(1) }))
        .optional(),
      maxResults: z.number().int().min(1).max(PAGE_SIZE_LIMIT).optional(),
      nextToken: z.string().min(1).optional(),
    }),
    input,
  );
  store.pipeline(request.imagePipelineArn);
  const cursor = request.nextToken ? decodeCursor(request.nextToken, request.imagePipelineArn) : undefined;
  const matching = store
    .imagesOf(request.imagePipelineArn)
    .filter((image) => cursor === undefined || image.buildNumber < cursor.before)
    .filter((image) =>
      (request.filters ?? []).every((filter) =>
        filter.values.includes(filter.name === 'name' ? image.name : image.version),
      ),
    );
  const pageSize = request.maxResults ?? PAGE_SIZE_LIMIT;
  const page = matching.slice(0, pageSize);
  const last = page.at(-1);
  return {
    imageSummaryList: page.map((image) => imageSummaryView(image, arns)),
    ...(matching.length > pageSize && last
      ? { nextToken: encodeCursor({ pipeline: request.imagePipelineArn, before: last.buildNumber }) }
      : {}),
  };
};

const cancelImageCreation: Handler = ({ store, runner }, input) => {
  const request = parse(z.object({ imageBuildVersionArn: arn, clientToken: z.string().min(1) }), input);
  return store.idempotent('CancelImageCreation', request.clientToken, request, () => {
    const image = store.image(request.imageBuildVersionArn);
    if (isTerminal(image.status)) {
      throw new ImageBuilderApiError(
        'ResourceInUseException',
        `The image '${image.arn}' is ${image.status}; only images in a non-terminal state can be cancelled.`,
      );
    }
    runner.cancel(image);
    return { clientToken: request.clientToken, imageBuildVersionArn: image.arn };
  });
};

/** Like the real service, this deletes the Image Builder resource only; its AMIs stay in EC2 until deregistered. */
const deleteImage: Handler = ({ store }, input) => {
  const request = parse(z.object({ imageBuildVersionArn: arn }), input);
  const image = store.image(request.imageBuildVersionArn);
  if (!isTerminal(image.status)) {
    throw new ImageBuilderApiError(
      'ResourceDependencyException',
      `The image '${image.arn}' is still ${image.status}; cancel it or wait for it to finish before deleting it.`,
    );
  }
  store.images.delete(image.arn);
  return { imageBuildVersionArn: image.arn };
};

/** Keyed by the operation's HTTP path, e.g. `/GetImage`. */
export const OPERATIONS: Record<string, Operation> = {
  '/CreateDistributionConfiguration': { method: 'PUT', handle: createDistributionConfiguration },
  '/GetDistributionConfiguration': { method: 'GET', handle: getDistributionConfiguration },
  '/CreateImagePipeline': { method: 'PUT', handle: createImagePipeline },
  '/GetImagePipeline': { method: 'GET', handle: getImagePipeline },
  '/StartImagePipelineExecution': { method: 'PUT', handle: startImagePipelineExecution },
  '/GetImage': { method: 'GET', handle: getImage },
  '/ListImagePipelineImages': { method: 'POST', handle: listImagePipelineImages },
  '/CancelImageCreation': { method: 'PUT', handle: cancelImageCreation },
  '/DeleteImage': { method: 'DELETE', handle: deleteImage },
};

export const newRequestId = (): string => randomUUID();
