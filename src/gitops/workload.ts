/**
 * Switchyard's controller in one region's cluster: the Helm chart's objects (ServiceAccount, RBAC,
 * Deployment, metrics Service, PDB) rendered as concrete objects by the same definition the chart's
 * templates come from (src/chart), with the values that cluster's release would get.
 */
import { loadChartInfo, renderChartObjects } from '../chart/index.js';
import { type ChartMode, chartValuesSchema, loadChartValues } from '../chart/values.js';
import { fillFormat } from '../estate/common/names.js';
import type { PairRegion } from '../estate/common/parameters.js';
import { controllerRoleFormat } from '../estate/controller-access/composition.js';
import { PlanInputError, platformAccountId, type TradingPlatformSpec } from '../plan/platform.js';
import { clusterVantage } from '../plan/region-health.js';
import { PUBLISHER } from './names.js';
import { asKubeObject, type KubeObject } from './objects.js';

/** The ServiceAccount annotation IRSA reads the controller's IAM role from. */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

const CONTROLLER_MODE: ChartMode = 'controller';

/**
 * The chart names the controller's ServiceAccount `<release>-controller` in the release namespace;
 * the platform's ControllerAccess trusts `spec.controller.serviceAccount`, so the release follows it.
 */
function releaseOf(spec: TradingPlatformSpec) {
  const { namespace, name } = spec.controller.serviceAccount;
  const suffix = `-${CONTROLLER_MODE}`;
  if (!name.endsWith(suffix) || name === suffix)
    throw new PlanInputError(
      'spec.controller.serviceAccount.name',
      `must be <release>${suffix}: the chart names the controller's ServiceAccount so, and its IAM role trusts that name (got "${name}")`,
    );
  return { name: name.slice(0, -suffix.length), namespace, service: PUBLISHER };
}

/** IRSA: the region's controller role (ControllerAccess), by its deterministic name. PodIdentity needs no annotation. */
function serviceAccountAnnotations(spec: TradingPlatformSpec, region: PairRegion): Record<string, string> {
  if (spec.controller.trust !== 'IRSA') return {};
  const role = fillFormat(controllerRoleFormat(region), spec.platformId);
  return { [IRSA_ROLE_ANNOTATION]: `arn:aws:iam::${platformAccountId(spec, undefined)}:role/${role}` };
}

/**
 * The chart's objects for `region` (values.yaml defaults; the region, its cluster's vantage and the
 * controller's IAM role set): what `helm install switchyard charts/switchyard --set region=…` would
 * create there.
 */
export function controllerWorkload(
  root: string,
  spec: TradingPlatformSpec,
  region: PairRegion,
): KubeObject[] {
  const defaults = loadChartValues(root);
  const values = chartValuesSchema.parse({
    ...defaults,
    mode: CONTROLLER_MODE,
    region,
    vantage: clusterVantage(region),
    serviceAccount: {
      annotations: { ...defaults.serviceAccount.annotations, ...serviceAccountAnnotations(spec, region) },
    },
  });
  return renderChartObjects(values, releaseOf(spec), loadChartInfo(root)).map((object, index) =>
    asKubeObject(object, `chart object ${index}`),
  );
}
