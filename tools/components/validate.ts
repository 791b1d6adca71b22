/**
 * Checks AWSTOE component documents (schemaVersion 1.0) against the rules in the Image Builder user guide:
 * "Use component documents in AWSTOE", "Define and reference variables", "Use looping constructs" and
 * "Action modules supported by AWSTOE". Strict mode adds cloudboot's own conventions on top.
 */
import { readFile } from 'node:fs/promises';
import { isScalar, parseDocument } from 'yaml';
import { ACTION_NAMES, ACTIONS, suggest } from './actions';
import { checkReferences, type ReferenceScope } from './references';

export interface ComponentIssue {
  file: string;
  /** e.g. `phase build, step CloneRepos`; absent for document-level problems. */
  where?: string;
  message: string;
}

export interface ValidateOptions {
  /** cloudboot conventions: name and description present, PascalCase step names, described parameters. */
  strict?: boolean;
}

/** The phases Image Builder runs (build stage: build, validate; test stage: test, container-host-test). */
export const PHASE_NAMES = ['build', 'validate', 'test', 'container-host-test'] as const;

const TOP_LEVEL_KEYS = ['name', 'description', 'schemaVersion', 'parameters', 'constants', 'phases'];
const PHASE_KEYS = ['name', 'steps'];
const STEP_KEYS = ['name', 'action', 'inputs', 'onFailure', 'maxAttempts', 'timeoutSeconds', 'if', 'loop'];
const ON_FAILURE = ['Abort', 'Continue', 'Ignore'];
/** Step names are used in chaining expressions (`{{ phase.Step.outputs.stdout }}`), so no dots or spaces. */
const STEP_NAME = /^[A-Za-z0-9_-]+$/;
const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
/** Parameter and constant names: 3-128 characters, alphanumeric, dash or underscore. */
const VARIABLE_NAME = /^[A-Za-z0-9_-]{3,128}$/;

export function formatIssue(issue: ComponentIssue): string {
  return issue.where ? `${issue.file}: ${issue.where}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

export async function validateComponentFile(
  file: string,
  options: ValidateOptions = {},
): Promise<ComponentIssue[]> {
  return validateComponentSource(await readFile(file, 'utf8'), file, options);
}

export function validateComponentSource(
  source: string,
  file: string,
  options: ValidateOptions = {},
): ComponentIssue[] {
  const issues: ComponentIssue[] = [];
  const report = (message: string, where?: string) =>
    issues.push(where ? { file, where, message } : { file, message });

  const document = parseDocument(source, { keepSourceTokens: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const line = error.linePos?.[0];
      report(
        `invalid YAML: ${firstLine(error.message)}${line ? ` (line ${line.line}, column ${line.col})` : ''}`,
      );
    }
    return issues;
  }
  const root: unknown = document.toJS();
  if (!isRecord(root)) {
    report('the document must be a YAML map with name, schemaVersion and phases');
    return issues;
  }

  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.includes(key)) report(`unknown top-level key "${key}"${hint(key, TOP_LEVEL_KEYS)}`);
  }
  checkSchemaVersion(root, document.get('schemaVersion', true), report);
  if ('name' in root && typeof root.name !== 'string') report('name must be a string');
  if ('description' in root && typeof root.description !== 'string') report('description must be a string');
  if (options.strict) {
    if (!nonEmptyString(root.name)) report('name is required (cloudboot convention)');
    if (!nonEmptyString(root.description)) report('description is required (cloudboot convention)');
  }

  const variables = new Set<string>();
  checkVariables(root.parameters, 'parameters', variables, report, options);
  checkVariables(root.constants, 'constants', variables, report, options);
  checkPhases(root.phases, variables, report, options);
  return issues;
}

type Report = (message: string, where?: string) => void;

function checkSchemaVersion(root: Record<string, unknown>, node: unknown, report: Report): void {
  if (!('schemaVersion' in root)) {
    report('missing required key "schemaVersion"');
    return;
  }
  // `schemaVersion: 1.0` is read as the number 1 by YAML, so look at the text as written.
  const written = isScalar(node)
    ? node.srcToken && 'source' in node.srcToken
      ? node.srcToken.source
      : undefined
    : undefined;
  const value = root.schemaVersion;
  const ok =
    value === '1.0' || (value === 1 && (written === undefined || written.replace(/['"]/g, '') === '1.0'));
  if (!ok) report(`unsupported schemaVersion ${JSON.stringify(written ?? value)}: AWSTOE documents use 1.0`);
}

function checkVariables(
  section: unknown,
  kind: 'parameters' | 'constants',
  declared: Set<string>,
  report: Report,
  options: ValidateOptions,
): void {
  if (section === undefined) return;
  if (!Array.isArray(section)) {
    report(`${kind} must be a list of single-key maps, e.g. "- Name: { type: string }"`);
    return;
  }
  const allowed = kind === 'parameters' ? ['type', 'default', 'description'] : ['type', 'value'];
  section.forEach((entry, index) => {
    const keys = isRecord(entry) ? Object.keys(entry) : [];
    const name = keys[0];
    if (!isRecord(entry) || keys.length !== 1 || name === undefined) {
      report(
        `${kind}[${index}] must be a map with exactly one key, the ${kind === 'parameters' ? 'parameter' : 'constant'} name`,
      );
      return;
    }
    const where = `${kind === 'parameters' ? 'parameter' : 'constant'} ${name}`;
    if (!VARIABLE_NAME.test(name)) {
      report('name must be 3-128 characters of letters, digits, "-" or "_"', where);
    }
    if (declared.has(name))
      report('declared more than once (parameter and constant names share one namespace)', where);
    declared.add(name);
    const spec = entry[name];
    if (!isRecord(spec)) {
      report('must map to { type: string, ... }', where);
      return;
    }
    for (const key of Object.keys(spec)) {
      if (!allowed.includes(key)) report(`unknown key "${key}"${hint(key, allowed)}`, where);
    }
    if (spec.type !== 'string')
      report(`type must be "string" (the only supported type), got ${JSON.stringify(spec.type)}`, where);
    if (kind === 'constants' && !('value' in spec)) report('missing required key "value"', where);
    if (kind === 'parameters' && options.strict && !nonEmptyString(spec.description)) {
      report('description is required (cloudboot convention)', where);
    }
  });
}

function checkPhases(
  phases: unknown,
  variables: Set<string>,
  report: Report,
  options: ValidateOptions,
): void {
  if (phases === undefined) {
    report('missing required key "phases"');
    return;
  }
  if (!Array.isArray(phases) || phases.length === 0) {
    report('phases must be a non-empty list of { name, steps }');
    return;
  }
  // First pass: collect phase and step names so that chaining expressions can point forward or across phases.
  const stepsByPhase = new Map<string, Set<string>>();
  for (const phase of phases) {
    if (isRecord(phase) && typeof phase.name === 'string' && Array.isArray(phase.steps)) {
      const names = new Set<string>();
      for (const step of phase.steps)
        if (isRecord(step) && typeof step.name === 'string') names.add(step.name);
      if (!stepsByPhase.has(phase.name)) stepsByPhase.set(phase.name, names);
    }
  }

  const seenPhases = new Set<string>();
  phases.forEach((phase, index) => {
    if (!isRecord(phase)) {
      report(`phases[${index}] must be a map with name and steps`);
      return;
    }
    const phaseName = typeof phase.name === 'string' ? phase.name : undefined;
    const where = phaseName ? `phase ${phaseName}` : `phases[${index}]`;
    for (const key of Object.keys(phase)) {
      if (!PHASE_KEYS.includes(key)) report(`unknown key "${key}"${hint(key, PHASE_KEYS)}`, where);
    }
    if (phaseName === undefined) {
      report('missing required key "name"', where);
    } else {
      if (!(PHASE_NAMES as readonly string[]).includes(phaseName)) {
        report(
          `unknown phase name "${phaseName}" (expected one of ${PHASE_NAMES.join(', ')})${hint(phaseName, PHASE_NAMES)}`,
          where,
        );
      }
      if (seenPhases.has(phaseName))
        report('phase defined more than once (phase names must be unique)', where);
      seenPhases.add(phaseName);
    }
    if (!Array.isArray(phase.steps) || phase.steps.length === 0) {
      report('steps must be a non-empty list', where);
      return;
    }
    const seenSteps = new Set<string>();
    const seenLoops = new Set<string>();
    phase.steps.forEach((step: unknown, stepIndex: number) => {
      checkStep(step, stepIndex, phaseName ?? `phases[${index}]`, {
        seenSteps,
        seenLoops,
        scope: { variables, stepsByPhase },
        report,
        options,
      });
    });
  });
}

interface StepContext {
  seenSteps: Set<string>;
  seenLoops: Set<string>;
  scope: Omit<ReferenceScope, 'loopNames' | 'hasLoop'>;
  report: Report;
  options: ValidateOptions;
}

function checkStep(step: unknown, index: number, phase: string, context: StepContext): void {
  const { report, options } = context;
  if (!isRecord(step)) {
    report(`steps[${index}] must be a map with name and action`, `phase ${phase}`);
    return;
  }
  const stepName = typeof step.name === 'string' && step.name !== '' ? step.name : undefined;
  const where = `phase ${phase}, step ${stepName ?? `#${index + 1}`}`;

  for (const key of Object.keys(step)) {
    if (!STEP_KEYS.includes(key)) report(`unknown step key "${key}"${hint(key, STEP_KEYS)}`, where);
  }
  if (stepName === undefined) {
    report('missing required key "name"', where);
  } else {
    if (!STEP_NAME.test(stepName)) report('step name may only contain letters, digits, "-" and "_"', where);
    else if (options.strict && !PASCAL_CASE.test(stepName))
      report('step name must be PascalCase (cloudboot convention)', where);
    if (context.seenSteps.has(stepName))
      report(`duplicate step name "${stepName}" (step names must be unique within a phase)`, where);
    context.seenSteps.add(stepName);
  }

  if ('onFailure' in step && !ON_FAILURE.includes(String(step.onFailure))) {
    report(`onFailure must be one of ${ON_FAILURE.join(', ')}, got ${JSON.stringify(step.onFailure)}`, where);
  }
  if ('maxAttempts' in step && !(Number.isInteger(step.maxAttempts) && Number(step.maxAttempts) >= 1)) {
    report(`maxAttempts must be a positive integer, got ${JSON.stringify(step.maxAttempts)}`, where);
  }
  if ('timeoutSeconds' in step) {
    const timeout = step.timeoutSeconds;
    if (!(Number.isInteger(timeout) && (Number(timeout) > 0 || timeout === -1))) {
      report(
        `timeoutSeconds must be a positive integer or -1 (no timeout), got ${JSON.stringify(timeout)}`,
        where,
      );
    }
  }
  if ('if' in step && !isRecord(step.if) && !Array.isArray(step.if)) {
    report('if must be a conditional expression (a map of one comparison or logical operator)', where);
  }

  const loopNames = checkLoop(step, where, context);
  checkAction(step, where, report);
  checkReferences(
    { inputs: step.inputs, loop: step.loop },
    { ...context.scope, loopNames, hasLoop: step.loop !== undefined },
    (message) => report(message, where),
  );
}

function checkAction(step: Record<string, unknown>, where: string, report: Report): void {
  if (!('action' in step)) {
    report('missing required key "action"', where);
    return;
  }
  const action = step.action;
  if (typeof action !== 'string' || !(action in ACTIONS)) {
    report(
      `unknown action ${JSON.stringify(action)}${typeof action === 'string' ? hint(action, ACTION_NAMES) : ''}`,
      where,
    );
    return;
  }
  const shape = ACTIONS[action];
  const inputs = step.inputs;
  if (shape === undefined) return;
  if (action === 'ExecuteDocument') {
    if ('timeoutSeconds' in step && step.timeoutSeconds !== -1)
      report('ExecuteDocument only allows timeoutSeconds -1', where);
    if ('maxAttempts' in step && step.maxAttempts !== 1)
      report('ExecuteDocument only allows maxAttempts 1', where);
  }
  switch (shape.kind) {
    case 'optional-map':
      if (inputs !== undefined && inputs !== null && !isRecord(inputs))
        report(`${action} inputs must be a map`, where);
      else if (isRecord(inputs)) checkListKeys(action, inputs, shape.listKeys ?? [], where, report);
      return;
    case 'expression':
      if (!isRecord(inputs) || Object.keys(inputs).length === 0) {
        report(`${action} needs inputs holding a comparison or logical operator`, where);
      }
      return;
    case 'map': {
      if (!isRecord(inputs)) {
        const needed = shape.oneOf ? shape.oneOf.join('" or "') : shape.required.join('", "');
        report(`${action} needs inputs as a map with "${needed}"`, where);
        return;
      }
      for (const key of shape.required) {
        if (!(key in inputs)) report(`${action} is missing required input "${key}"`, where);
      }
      if (shape.oneOf) {
        const present = shape.oneOf.filter((key) => key in inputs);
        if (present.length !== 1)
          report(`${action} needs exactly one of the inputs "${shape.oneOf.join('", "')}"`, where);
      }
      checkListKeys(action, inputs, shape.listKeys ?? [], where, report);
      return;
    }
    case 'list': {
      if (!Array.isArray(inputs) || inputs.length === 0) {
        report(`${action} needs inputs as a non-empty list of { ${shape.required.join(', ')} }`, where);
        return;
      }
      inputs.forEach((entry: unknown, index: number) => {
        if (!isRecord(entry)) {
          report(`${action} inputs[${index}] must be a map with ${shape.required.join(', ')}`, where);
          return;
        }
        for (const key of shape.required) {
          if (!(key in entry)) report(`${action} inputs[${index}] is missing required input "${key}"`, where);
        }
      });
      return;
    }
  }
}

function checkListKeys(
  action: string,
  inputs: Record<string, unknown>,
  listKeys: readonly string[],
  where: string,
  report: Report,
): void {
  for (const key of listKeys) {
    if (!(key in inputs)) continue;
    const value = inputs[key];
    if (!Array.isArray(value) || (key === 'commands' && value.length === 0)) {
      report(`${action} input "${key}" must be a ${key === 'commands' ? 'non-empty ' : ''}list`, where);
    } else if (key !== 'parameters' && value.some((item) => isRecord(item) || Array.isArray(item))) {
      report(`${action} input "${key}" must be a list of strings`, where);
    }
  }
}

/** Validates the `loop` construct and returns the loop name usable in references (`{{ name.value }}`). */
function checkLoop(step: Record<string, unknown>, where: string, context: StepContext): Set<string> {
  const names = new Set<string>();
  if (!('loop' in step)) return names;
  const { report } = context;
  const loop = step.loop;
  if (!isRecord(loop)) {
    report('loop must be a map with "for" or "forEach"', where);
    return names;
  }
  for (const key of Object.keys(loop)) {
    if (!['name', 'for', 'forEach'].includes(key)) report(`unknown loop key "${key}"`, where);
  }
  if ('name' in loop) {
    if (typeof loop.name !== 'string' || loop.name === '') report('loop name must be a string', where);
    else {
      if (context.seenLoops.has(loop.name))
        report(`duplicate loop name "${loop.name}" (unique within a phase)`, where);
      context.seenLoops.add(loop.name);
      names.add(loop.name);
    }
  }
  const hasFor = 'for' in loop;
  const hasForEach = 'forEach' in loop;
  if (hasFor === hasForEach) {
    report('loop needs exactly one of "for" or "forEach"', where);
  } else if (hasFor) {
    const range = loop.for;
    if (!isRecord(range)) report('loop.for must be a map with start, end and updateBy', where);
    else {
      for (const key of ['start', 'end', 'updateBy']) {
        if (!Number.isInteger(range[key])) report(`loop.for.${key} must be an integer`, where);
      }
      if (range.updateBy === 0) report('loop.for.updateBy must not be 0', where);
    }
  } else {
    const items = loop.forEach;
    if (Array.isArray(items)) {
      if (items.length === 0 || items.some((item) => typeof item !== 'string')) {
        report('loop.forEach must be a non-empty list of strings', where);
      }
    } else if (isRecord(items)) {
      if (typeof items.list !== 'string') report('loop.forEach.list must be a string', where);
      if ('delimiter' in items && !(typeof items.delimiter === 'string' && items.delimiter.length === 1)) {
        report('loop.forEach.delimiter must be a single character', where);
      }
    } else {
      report('loop.forEach must be a list of strings or { list, delimiter }', where);
    }
  }
  return names;
}

function hint(value: string, candidates: readonly string[]): string {
  const match = suggest(value, candidates);
  return match && match !== value ? ` (did you mean "${match}"?)` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
