/**
 * Expected journals derived from the controller's step lists (controllers/failover/step-lists.ts):
 * the names and their order come from the lists, so a step added to them changes no test; a test
 * states by hand only what it is about (the steps that end otherwise, the regions it checks).
 * Only a step's `name` and `undo` are read, never how it runs.
 */
import { stepsFor } from '../../controllers/failover/step-lists.js';
import type { FailoverPlanSpec, FailoverSpec, FailoverStatus } from '../../src/apis/index.js';

export type StepState = NonNullable<FailoverStatus['journal']>[number]['state'];

export interface JournalLine {
  name: string;
  state: StepState;
}

/** The steps a Failover of `spec` runs under `plan`, in order. */
export function expectedStepNames(plan: FailoverPlanSpec, spec: FailoverSpec): string[] {
  return stepsFor(spec, plan).map((step) => step.name);
}

/** The undo steps of `stepName`, in the order a cancel runs them. */
export function undoNamesOf(plan: FailoverPlanSpec, spec: FailoverSpec, stepName: string): string[] {
  const step = stepsFor(spec, plan).find((s) => s.name === stepName);
  if (!step) throw new Error(`no step ${stepName} in the ${spec.type} list`);
  return (step.undo ?? []).map((u) => u.name);
}

/**
 * Journal lines for `names`, each in `state` unless `except` gives it another. A name in `except`
 * that is not in `names` throws: an expectation about a step that does not run is a mistake.
 */
export function journalLines(
  names: readonly string[],
  state: StepState,
  except: Readonly<Record<string, StepState | undefined>> = {},
): JournalLine[] {
  const unknown = Object.keys(except).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`not among the steps: ${unknown.join(', ')}`);
  return names.map((name) => ({ name, state: except[name] ?? state }));
}

/** `names` up to and including `last`, and the rest. */
export function splitAfter(names: readonly string[], last: string): [string[], string[]] {
  const index = names.indexOf(last);
  if (index === -1) throw new Error(`not among the steps: ${last}`);
  return [names.slice(0, index + 1), names.slice(index + 1)];
}
