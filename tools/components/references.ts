/**
 * `{{ ... }}` expressions in step inputs and loops. AWSTOE resolves, in this order of our checks:
 * loop iteration variables (`loop.index`, `loop.value`, `<loopName>.index|value`, only inside a looping step),
 * chaining expressions (`phase.Step.inputs[0].key`, `phase.Step.outputs.stdout`) and declared
 * parameters/constants (case-sensitive, surrounding spaces trimmed).
 */
export interface ReferenceScope {
  /** Declared parameter and constant names. */
  variables: ReadonlySet<string>;
  /** Phase name -> step names, to check chaining expressions. */
  stepsByPhase: ReadonlyMap<string, ReadonlySet<string>>;
  /** The name of this step's loop, if it has a named loop. */
  loopNames: ReadonlySet<string>;
  hasLoop: boolean;
}

const EXPRESSION = /\{\{(.*?)\}\}/g;
const ITERATION = /^([A-Za-z0-9_-]+)\.(index|value)$/;
const CHAINING = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.(inputs|outputs)(\[\d+\])?(\.[A-Za-z0-9_-]+)*$/;
const IDENTIFIER = /^[A-Za-z0-9_-]+$/;

export function checkReferences(
  value: unknown,
  scope: ReferenceScope,
  report: (message: string) => void,
): void {
  const reported = new Set<string>();
  for (const text of strings(value)) {
    for (const match of text.matchAll(EXPRESSION)) {
      const expression = (match[1] ?? '').trim();
      const problem = explain(expression, scope);
      if (problem && !reported.has(problem)) {
        reported.add(problem);
        report(problem);
      }
    }
  }
}

function explain(expression: string, scope: ReferenceScope): string | undefined {
  const iteration = ITERATION.exec(expression);
  if (iteration && (iteration[1] === 'loop' || scope.loopNames.has(iteration[1] ?? ''))) {
    return scope.hasLoop ? undefined : `"{{ ${expression} }}" is used in a step without a loop`;
  }
  const chaining = CHAINING.exec(expression);
  if (chaining) {
    const [, phase = '', step = ''] = chaining;
    const steps = scope.stepsByPhase.get(phase);
    if (!steps) return `chaining expression "{{ ${expression} }}" refers to unknown phase "${phase}"`;
    if (!steps.has(step))
      return `chaining expression "{{ ${expression} }}" refers to unknown step "${phase}.${step}"`;
    return undefined;
  }
  if (IDENTIFIER.test(expression)) {
    if (scope.variables.has(expression)) return undefined;
    return `undeclared parameter "{{ ${expression} }}" (declare it under parameters or constants)`;
  }
  return `unrecognised expression "{{ ${expression} }}" (not a parameter, constant, loop variable or chaining expression)`;
}

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) yield* strings(item);
}
