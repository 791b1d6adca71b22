/** Public types of the Image Builder emulator and the in-memory records behind them. */

/** The phases an image walks through before it becomes AVAILABLE, in order. */
export const BUILD_PHASES = [
  'PENDING',
  'CREATING',
  'BUILDING',
  'TESTING',
  'DISTRIBUTING',
  'INTEGRATING',
] as const;
export type BuildPhase = (typeof BUILD_PHASES)[number];
export type PhaseDurations = Record<BuildPhase, number>;

/** Long enough to watch a build in the local stack, short enough not to bore anyone. */
export const DEFAULT_PHASE_DURATIONS: PhaseDurations = {
  PENDING: 1000,
  CREATING: 0,
  BUILDING: 4000,
  TESTING: 3000,
  DISTRIBUTING: 1000,
  INTEGRATING: 0,
};

export type TerminalStatus = 'AVAILABLE' | 'FAILED' | 'CANCELLED';
export type ImageStatus = BuildPhase | TerminalStatus;
export const isTerminal = (status: ImageStatus): status is TerminalStatus =>
  status === 'AVAILABLE' || status === 'FAILED' || status === 'CANCELLED';

/** The EventBridge event Image Builder emits on every image status change. */
export interface ImageStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'EC2 Image Builder Image State Change';
  source: 'aws.imagebuilder';
  account: string;
  time: string;
  region: string;
  resources: [string];
  detail: { 'previous-state': { status: string }; state: { status: string; reason?: string } };
}

export interface ImageBuilderEmulatorOptions {
  /** 0 or undefined picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default eu-west-1. */
  region?: string;
  /** Default '123456789012' (moto's default account, so ARNs and AMI owners agree). */
  accountId?: string;
  /** moto_server, e.g. http://127.0.0.1:5000: where finished builds register their AMIs. */
  ec2Endpoint: string;
  /** Milliseconds per phase; 0 skips the phase (it is never reported). */
  phaseDurations?: Partial<PhaseDurations>;
  onStateChange?: (event: ImageStateChangeEvent) => void | Promise<void>;
  /** Where failures of event delivery and AMI registration are reported. Default console. */
  logger?: EmulatorLogger;
}

export interface EmulatorLogger {
  warn(message: string, ...details: unknown[]): void;
}

/** How the next started build should end, set through `POST /_emulator/next-build`. */
export interface BuildInstruction {
  outcome: 'FAILED' | 'CANCELLED';
  phase: 'BUILDING' | 'TESTING' | 'DISTRIBUTING';
  reason?: string;
}

export interface ImageOutcome {
  status: TerminalStatus;
  reason?: string;
}

export interface ImageBuilderEmulator {
  url: string;
  port: number;
  /** Stops every build timer, waits for in-flight work and closes the server. */
  close(): Promise<void>;
  /** Drops pipelines, distribution configurations, images and the pending next-build instruction. */
  reset(): void;
  /** Resolves when the image reaches AVAILABLE, FAILED or CANCELLED; rejects after timeoutMs (default 10 s). */
  waitForImage(imageBuildVersionArn: string, options?: { timeoutMs?: number }): Promise<ImageOutcome>;
}

export interface AmiDistribution {
  name?: string;
  description?: string;
  amiTags?: Record<string, string>;
}

export interface DistributionRecord {
  region: string;
  amiDistributionConfiguration?: AmiDistribution;
}

export interface DistributionConfigurationRecord {
  arn: string;
  name: string;
  description?: string;
  distributions: DistributionRecord[];
  tags: Record<string, string>;
  dateCreated: string;
}

export interface PipelineRecord {
  arn: string;
  name: string;
  description?: string;
  imageRecipeArn: string;
  infrastructureConfigurationArn: string;
  distributionConfigurationArn?: string;
  status: 'ENABLED' | 'DISABLED';
  tags: Record<string, string>;
  dateCreated: string;
  dateLastRun?: string;
  lastRunStatus?: ImageStatus;
  recipeName: string;
  recipeVersion: string;
  /** Build numbers are per pipeline, like the last segment of a real image build version ARN. */
  lastBuildNumber: number;
}

export interface OutputAmi {
  region: string;
  image: string;
  name: string;
  description?: string;
  accountId: string;
}

export interface ImageRecord {
  arn: string;
  pipelineArn: string;
  name: string;
  /** `<recipe version>/<build number>`, as the real service reports it. */
  version: string;
  buildNumber: number;
  status: ImageStatus;
  reason?: string;
  dateCreated: string;
  tags: Record<string, string>;
  amis: OutputAmi[];
  phaseDurations: PhaseDurations;
  instruction?: BuildInstruction;
}
