import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineApiSuite } from '../wire/kube/api.suite.js';
import {
  type DifferentialCase,
  differentialCases,
  type Outcome,
  runCase,
  sameOutcome,
} from '../wire/kube/differential.js';
import { createNamespaces, prepareSuites } from '../wire/kube/fixtures.js';
import { defineKubectlSuite } from '../wire/kube/kubectl.suite.js';
import { type KubeTarget, startEmulatorTarget } from '../wire/kube/target.js';
import { defineWatchSuite } from '../wire/kube/watch.suite.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import type { KubeApiserver } from './support/kube-apiserver.js';
import { startRealTarget } from './support/kube-target.js';

/**
 * The kube wire suite against the full kube-apiserver (npm run test:real), plus the differential
 * cases sent to both the real server and the emulator (with NamespaceLifecycle on, as the real
 * server has it), compared response by response.
 */

let apiserver: KubeApiserver | undefined;
let real: KubeTarget | undefined;
let emulator: KubeTarget | undefined;
showLogsOnFailure(() => [apiserver?.process]);

beforeAll(async () => {
  const started = await startRealTarget();
  [real, apiserver] = [started, started.apiserver];
  emulator = await startEmulatorTarget({ namespaceLifecycle: true });
  await prepareSuites(real);
  await prepareSuites(emulator);
});
afterAll(async () => {
  await emulator?.close();
  await real?.close();
});

const realTarget = () => {
  if (!real) throw new Error('real apiserver did not start (see beforeAll error)');
  return real;
};

defineApiSuite(realTarget);
defineWatchSuite(realTarget);
defineKubectlSuite(realTarget);

/**
 * Cases where the emulator knowingly answers differently, with the reason (also in
 * docs/adr/0006-kube-emulator.md). The goal is none.
 */
const explainedDifferences: Record<string, string> = {
  'Lease with MicroTime renewTime, then a PUT with a seconds-only renewTime: 201, then 400':
    "the emulator serves built-in kinds without their Go types' schemas (ADR 0006), so its managedFields treat every object as a map and record `.` on the Lease's spec, which server-side apply records for maps only (LeaseSpec is a struct); the refusal of the PUT (step 1) agrees",
  'kind of another resource':
    'both answer 422 "kind: must be Widget"; the real server also runs the CEL rules on the object without defaults (it skips defaulting for an unknown kind) and reports their evaluation error, which the emulator does not imitate',
};

describe('emulator vs real apiserver (differential)', () => {
  it('answers every case the same way (status, warnings, body)', async () => {
    const differences: string[] = [];
    let agreed = 0;
    for (const [index, testCase] of differentialCases.entries()) {
      const namespace = `diff-${index}`;
      if (!emulator) throw new Error('emulator did not start');
      for (const target of [realTarget(), emulator]) await createNamespaces(target, [namespace]);
      const fromReal = await runCase(realTarget(), testCase, namespace);
      const fromEmulator = await runCase(emulator, testCase, namespace);
      if (sameOutcome(fromReal, fromEmulator)) {
        agreed++;
        continue;
      }
      differences.push(describeDifference(testCase, fromReal, fromEmulator));
    }
    process.stdout.write(
      `\nkube emulator/apiserver agreement: ${agreed}/${differentialCases.length} cases\n`,
    );
    if (differences.length > 0) process.stdout.write(`differences:\n${differences.join('\n')}\n`);
    const unexplained = differences.filter((text) => !text.includes('[explained:'));
    expect(unexplained).toEqual([]);
  });
});

function describeDifference(
  testCase: DifferentialCase,
  fromReal: Outcome[],
  fromEmulator: Outcome[],
): string {
  const explained = explainedDifferences[testCase.name];
  const lines = [`- ${testCase.name}${explained ? ` [explained: ${explained}]` : ''}`];
  fromReal.forEach((realOutcome, step) => {
    const emulatorOutcome = fromEmulator[step];
    if (emulatorOutcome && sameOutcome([realOutcome], [emulatorOutcome])) return;
    lines.push(`    step ${step} real:     ${JSON.stringify(realOutcome)}`);
    lines.push(`    step ${step} emulator: ${JSON.stringify(emulatorOutcome)}`);
  });
  return lines.join('\n');
}
