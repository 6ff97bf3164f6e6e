/**
 * The syncer's health checks (ADR 0018 "Health plugs in"): the Argo CD health Lua of the live
 * argocd-cm, run in-process by src/gitops/health (ADR 0015). Only src/cli joins local/ and src/.
 * Before the published argocd-cm has arrived (a first sync's wave -1), the shipped scripts stand
 * for it: they are what that ConfigMap will carry.
 */
import type { HealthChecksFactory } from '../../local/gitops/index.js';
import { argocdCmHealthData, healthCoversFromArgocdCm, healthFromArgocdCm } from '../gitops/health/index.js';

export const luaHealthChecks: HealthChecksFactory = (argocdCm) => {
  const data = argocdCm ?? argocdCmHealthData();
  return { assess: healthFromArgocdCm(data), covers: healthCoversFromArgocdCm(data) };
};
