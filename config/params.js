// @ts-check
/**
 * Values derived from params and files at package time, for `${file(./config/params.js):<name>}`.
 * Serverless calls each exported function with `{ resolveVariable }`.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const path = require('node:path');

/** @typedef {{ resolveVariable: (expression: string) => Promise<unknown> }} Resolver */

const componentFiles = {
  devTools: 'dev-tools.yml',
  cloneRepos: 'clone-repos.yml',
  pullDockerImages: 'pull-docker-images.yml',
  validateDevEnvironment: 'validate-dev-environment.yml',
};

/** Component documents go to CloudFormation as raw text: `${file(x.yml)}` would parse them into objects. */
const componentText = (file) => readFileSync(path.join(__dirname, '..', 'components', file), 'utf8');

/**
 * Image Builder components and recipes are immutable per version, so a changed document must get a new version.
 * The patch number is derived from the content, so editing a document is all it takes.
 * @param {string} content
 */
const versionOf = (content) =>
  `1.0.${Number.parseInt(createHash('sha256').update(content).digest('hex').slice(0, 7), 16)}`;

const { paramsSchema, validateParams } = require('./params-schema');

/** @param {Resolver} resolver @param {string} name */
const csv = async ({ resolveVariable }, name) => {
  const value = await resolveVariable(`param:${name}`);
  return Array.isArray(value) ? value.join(',') : String(value);
};

module.exports = {
  /** Every param, resolved and validated; throws naming each bad param. @param {Resolver} resolver */
  validated: async ({ resolveVariable }) => {
    const names = Object.keys(paramsSchema.shape);
    const values = await Promise.all(names.map((name) => resolveVariable(`param:${name}`)));
    return validateParams(Object.fromEntries(names.map((name, index) => [name, values[index]])));
  },
  componentData: Object.fromEntries(
    Object.entries(componentFiles).map(([key, file]) => [key, componentText(file)]),
  ),
  componentVersion: Object.fromEntries(
    Object.entries(componentFiles).map(([key, file]) => [key, versionOf(componentText(file))]),
  ),
  /** The recipe changes when any component or any baked-in setting changes. @param {Resolver} resolver */
  recipeVersion: async (resolver) => {
    const settings = await Promise.all(
      ['repositories', 'dockerImages', 'projectsDirectory', 'githubTokenSecretName', 'rootVolumeSizeGiB'].map(
        (name) => csv(resolver, name),
      ),
    );
    return versionOf([...Object.values(componentFiles).map(componentText), ...settings].join('\n---\n'));
  },
  /** The watcher's deadline in seconds. @param {Resolver} resolver */
  maxWatchSeconds: async ({ resolveVariable }) =>
    String(Number(await resolveVariable('param:buildTimeoutMinutes')) * 60),
  /** @param {Resolver} resolver */
  devInstanceTypesCsv: (resolver) => csv(resolver, 'devInstanceTypes'),
  /** @param {Resolver} resolver */
  repositoriesCsv: (resolver) => csv(resolver, 'repositories'),
  /** @param {Resolver} resolver */
  dockerImagesCsv: (resolver) => csv(resolver, 'dockerImages'),
  /** The optional subnet, or no property at all (an empty string is not a valid SubnetId). @param {Resolver} resolver */
  devSubnetId: async (resolver) => {
    const subnet = await csv(resolver, 'devSubnetId');
    return subnet === '' ? { Ref: 'AWS::NoValue' } : subnet;
  },
  /** An e-mail subscription to build notices, only when `notificationEmail` is set. @param {Resolver} resolver */
  notificationEmailSubscription: async (resolver) => {
    const email = await csv(resolver, 'notificationEmail');
    if (email === '') return { Resources: {} };
    return {
      Resources: {
        BuildNotificationsEmail: {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: { Ref: 'BuildNotificationsTopic' }, Protocol: 'email', Endpoint: email },
        },
      },
    };
  },
  versionOf,
};
