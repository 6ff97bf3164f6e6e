/**
 * Runs the health_test.yaml cases of a set of customizations the way Argo CD's TestLuaHealthScript
 * does (exact status and message), but through the argocd-cm data we publish: the script is the one
 * Argo CD would choose for the testdata object, which must be the folder's own.
 */
import { argocdCmHealthData, healthOverridesFromArgocdCm } from './argocd-cm.js';
import type { HealthCustomization } from './customizations.js';
import { type LuaHealth, runHealthLua } from './lua-vm.js';
import { healthScriptFor } from './script-for.js';

export interface HealthTestResult {
  /** `<folder>/<inputPath>`, e.g. `_.upbound.io/_/testdata/created.yaml`. */
  name: string;
  expected: LuaHealth;
  /** What the script returned, or its error. */
  actual: LuaHealth | { error: string };
  /** Why the case failed; undefined when it passed. */
  problem?: string;
}

export function runHealthTests(customizations: readonly HealthCustomization[]): HealthTestResult[] {
  const overrides = healthOverridesFromArgocdCm(argocdCmHealthData(customizations));
  return customizations.flatMap((customization) =>
    customization.tests.map((test): HealthTestResult => {
      const name = `${customization.folder}/${test.inputPath}`;
      const expected = test.expected;
      const chosen = healthScriptFor(overrides, test.object as object);
      if (chosen?.key !== customization.key) {
        const ran = chosen ? `the ${chosen.key} script` : 'no script';
        return {
          name,
          expected,
          actual: {},
          problem: `Argo CD runs ${ran} for this object, not ${customization.key}`,
        };
      }
      const run = runHealthLua({
        script: chosen.healthLua,
        object: test.object,
        useOpenLibs: chosen.useOpenLibs,
      });
      if (!run.ok)
        return { name, expected, actual: { error: run.error }, problem: `the script failed: ${run.error}` };
      const same =
        run.health.status === expected.status && (run.health.message ?? '') === (expected.message ?? '');
      return same
        ? { name, expected, actual: run.health }
        : {
            name,
            expected,
            actual: run.health,
            problem: `got ${JSON.stringify(run.health)}, expected ${JSON.stringify(expected)}`,
          };
    }),
  );
}
