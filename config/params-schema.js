// @ts-check
/**
 * The schema of every serverless.yml `params` entry. Used by the validate-params plugin (so `serverless package`
 * and `serverless deploy` fail early, naming the param) and by the template tests.
 * Plain CommonJS because the Serverless Framework loads it directly.
 */
const { z } = require('zod');
const { _InstanceType } = require('@aws-sdk/client-ec2');

const knownInstanceTypes = new Set(Object.values(_InstanceType));

const instanceType = z.string().refine((value) => knownInstanceTypes.has(/** @type {never} */ (value)), {
  message: 'unknown EC2 instance type',
});

// EventBridge schedule expressions: cron(minutes hours day-of-month month day-of-week year) or rate(N unit).
const cronField = /^[0-9A-Za-z*?,\-/#L W]+$/;
const scheduleExpression = z.string().superRefine((value, ctx) => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(value);
  if (rate) {
    const count = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (count < 1) ctx.addIssue({ code: 'custom', message: 'rate must be at least 1' });
    if ((count === 1) !== !unit.endsWith('s')) {
      ctx.addIssue({
        code: 'custom',
        message: `use "${count} ${count === 1 ? unit.replace(/s$/, '') : `${unit.replace(/s$/, '')}s`}"`,
      });
    }
    return;
  }
  const cron = /^cron\((.*)\)$/.exec(value);
  const fields = cron?.[1]?.trim().split(/\s+/) ?? [];
  if (!cron || fields.length !== 6 || !fields.every((field) => cronField.test(field))) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an EventBridge expression: cron(min hour day-of-month month day-of-week year) or rate(N unit)',
    });
    return;
  }
  const [minutes, hours, dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    ctx.addIssue({ code: 'custom', message: 'exactly one of day-of-month and day-of-week must be "?"' });
  }
  const inRange = (field, max) =>
    field.split(/[,\-/]/).every((part) => part === '*' || (/^\d+$/.test(part) && Number(part) <= max));
  if (minutes !== undefined && !inRange(minutes, 59))
    ctx.addIssue({ code: 'custom', message: 'minutes must be 0-59' });
  if (hours !== undefined && !inRange(hours, 23))
    ctx.addIssue({ code: 'custom', message: 'hours must be 0-23' });
});

const repository = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "org/repo"');
const dockerImage = z
  .string()
  .regex(/^[a-z0-9]+([._\-/:@][A-Za-z0-9_.-]+)*$/, 'must be a Docker image reference like registry/name:tag');
const boolish = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const count = (min, max) => z.coerce.number().int().min(min).max(max);

const paramsSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1'),
    repositories: z.array(repository).min(1, 'needs at least one repository'),
    dockerImages: z.array(dockerImage),
    githubTokenSecretName: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name'),
    projectsDirectory: z.string().regex(/^\/[A-Za-z0-9_./-]+$/, 'must be an absolute path'),
    buildSchedule: scheduleExpression,
    buildInstanceType: instanceType,
    rootVolumeSizeGiB: count(20, 16384),
    buildTimeoutMinutes: count(30, 24 * 60),
    pollFallbackSeconds: count(60, 3600),
    notificationEmail: z.union([z.literal(''), z.email()]),
    notifyOnSuccess: boolish,
    failureAlertThreshold: count(1, 365),
    amiParameterName: z
      .string()
      .regex(/^\/[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter path starting with /')
      .refine((value) => !/^\/(aws|ssm)/i.test(value), 'must not start with /aws or /ssm (reserved)'),
    retainNewest: count(1, 1000),
    retainDays: count(0, 3650),
    devInstanceTypes: z.array(instanceType).min(1, 'needs at least one instance type'),
    devVolumeSizeGiB: count(20, 16384),
    devSubnetId: z.union([z.literal(''), z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id')]),
    environmentQuota: count(1, 100),
    imageStaleAfterDays: count(1, 365),
    jwtIssuer: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
    jwtAudience: z.string().min(1),
    apiScope: z.string().min(1),
    adminGroup: z.string().min(1),
    groupsClaim: z.string().min(1),
  })
  .strict();

/**
 * Validates resolved params. Returns the parsed params, or throws one Error listing every bad param by name.
 * @param {unknown} params
 */
const validateParams = (params) => {
  const result = paramsSchema.safeParse(params);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const [name, ...rest] = issue.path;
    const where = rest.length > 0 ? `${String(name)}[${rest.join('.')}]` : String(name ?? '(params)');
    return `  - param "${where}": ${issue.message}`;
  });
  throw new Error(`Invalid cloudboot configuration (serverless.yml params):\n${problems.join('\n')}`);
};

module.exports = { paramsSchema, validateParams };
