/**
 * Every object the Helm chart renders (src/chart, ADR 0008) validates against Kubernetes' own
 * OpenAPI documents for the release we target (ADR 0016), as `switchyard validate` checks it: for
 * the default values, an operator's values file, probe-agent values, and the plain manifest of
 * charts/switchyard/remote/. test/real/helm-chart.test.ts validates what the real helm renders.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REMOTE_RBAC_FILE } from '../../../src/chart/remote.js';
import { validateInputs } from '../../../src/cli/validate.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { formatProblem, validateYamlText } from '../../../src/schema/validate.js';
import { PROBE_AGENT_VALUES, render, repoRoot, STANDBY_VALUES } from './support.js';

let catalog: SchemaCatalog;
beforeAll(() => {
  catalog = SchemaCatalog.load();
});

/** The chart's objects for these values as one multi-document file, and the problems found in it. */
function validateRendering(values: Parameters<typeof render>[0]) {
  const objects = render(values);
  const text = objects.map((object) => stringify(object)).join('---\n');
  return { objects, report: validateYamlText(catalog, text, 'helm-template.yaml') };
}

describe('the chart’s objects against Kubernetes’ schemas', () => {
  it.each([
    ['the default values', {}],
    ['a standby region’s values file (resources, tolerations, annotations)', STANDBY_VALUES],
    ['probe-agent values', PROBE_AGENT_VALUES],
  ] as const)('are all valid with %s', (_name, values) => {
    const { objects, report } = validateRendering(values);
    expect(report.problems.map(formatProblem)).toEqual([]);
    expect(report.documents).toBe(objects.length);
  });

  it('include a quantity given as a number and a percentage budget', () => {
    const { report } = validateRendering({
      resources: { requests: { cpu: 0.25, memory: '300Mi' } },
      podDisruptionBudget: { enabled: true, minAvailable: '50%' },
    });
    expect(report.problems.map(formatProblem)).toEqual([]);
  });

  it('would be refused with a resource quantity Kubernetes cannot parse, naming the field', () => {
    const { report } = validateRendering({ resources: { limits: { memory: '512MB' } } });
    expect(report.problems.map(formatProblem)).toEqual([
      'helm-template.yaml:5 Deployment/switchyard-controller spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "512MB": must be a quantity: a number with an optional suffix, e.g. 500m, 1.5, 128Mi, 2G or 1e3',
    ]);
  });

  it('remote/probe-agent-rbac.yaml (ServiceAccount, token Secret, ClusterRole and binding) is valid', () => {
    const result = validateInputs([join(repoRoot, REMOTE_RBAC_FILE)], { catalog });
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.documents).toBe(4);
  });
});
