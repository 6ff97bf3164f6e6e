/**
 * The steps of the example Failovers (examples/failover), taken from the controller's own lists
 * (test/support/steps.ts), so the journals the controller tests expect follow those lists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FailoverResource } from '../../src/apis/index.js';
import { expectedStepNames, journalLines, undoNamesOf } from '../support/steps.js';
import { examplePlan } from './estate.js';

const exampleSpec = (file: string) =>
  FailoverResource.parse(
    parse(readFileSync(join(import.meta.dirname, '../../examples/failover', file), 'utf8')),
  ).spec;

const unplanned = exampleSpec('failover-unplanned.yaml');

/** failover-switchover.yaml: the planned Switchover to us-east-2. */
export const SWITCHOVER_STEPS = expectedStepNames(examplePlan.spec, exampleSpec('failover-switchover.yaml'));

/** failover-unplanned.yaml: the unplanned Failover to us-east-2. */
export const UNPLANNED_STEPS = expectedStepNames(examplePlan.spec, unplanned);

/** The undo steps a cancel of the unplanned Failover runs for `step`. */
export const unplannedUndoOf = (step: string) => undoNamesOf(examplePlan.spec, unplanned, step);

/**
 * The journal of the unplanned Failover with us-east-1 down: the best-effort calls into us-east-1
 * are skipped (verify-dns too: Route 53's API lives there), everything else succeeds.
 */
export const UNPLANNED_JOURNAL = journalLines(UNPLANNED_STEPS, 'Succeeded', {
  'close-old': 'Skipped',
  'scale-down-old': 'Skipped',
  'unfence-new': 'Skipped',
  'verify-dns': 'Skipped',
});

/**
 * The journal of the Switchover on the seeded test simulator, which has the estate's database,
 * alarms and groups but no hosted zone: verify-dns reads Route 53, finds no zone and is skipped.
 */
export const SWITCHOVER_JOURNAL = journalLines(SWITCHOVER_STEPS, 'Succeeded', { 'verify-dns': 'Skipped' });
