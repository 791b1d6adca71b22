/** ARNs the way Image Builder spells them, so code that parses them works the same locally and in AWS. */

export interface ArnContext {
  region: string;
  accountId: string;
}

const prefix = ({ region, accountId }: ArnContext): string => `arn:aws:imagebuilder:${region}:${accountId}`;

/** Image Builder lowercases resource names in ARNs and replaces anything outside [a-z0-9-_] with '-'. */
const arnName = (name: string): string => name.toLowerCase().replace(/[^a-z0-9_-]/g, '-');

export const pipelineArn = (context: ArnContext, name: string): string =>
  `${prefix(context)}:image-pipeline/${arnName(name)}`;

export const distributionConfigurationArn = (context: ArnContext, name: string): string =>
  `${prefix(context)}:distribution-configuration/${arnName(name)}`;

export const imageBuildVersionArn = (
  context: ArnContext,
  recipe: { name: string; version: string },
  buildNumber: number,
): string => `${prefix(context)}:image/${arnName(recipe.name)}/${recipe.version}/${buildNumber}`;

/**
 * The recipe is not emulated, but image names and ARNs come from it: take them from a recipe ARN
 * (`…:image-recipe/<name>/<version>`) when possible, else fall back to the pipeline name and 1.0.0.
 */
export const recipeOf = (imageRecipeArn: string, pipelineName: string): { name: string; version: string } => {
  const match = /:image-recipe\/([^/]+)\/(\d+\.\d+\.\d+)$/.exec(imageRecipeArn);
  if (match?.[1] && match[2]) return { name: match[1], version: match[2] };
  return { name: arnName(pipelineName), version: '1.0.0' };
};
