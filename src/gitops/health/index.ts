/**
 * Argo CD health for the kinds Switchyard publishes, computed in-process:
 *
 *   healthOf(object)          → { status, message } | undefined, from the shipped customizations
 *   healthFromArgocdCm(data)  → the same function for any argocd-cm data (e.g. the published one)
 *   healthCoversFromArgocdCm(data) → whether that data holds a script for a kind (Argo CD counts a
 *                               Missing resource only for kinds something assesses)
 *   argocdCmHealthData()      → the argocd-cm `data` entries to publish (exact and wildcard keys)
 *
 * `undefined` means no customization gave a health (no script for the kind, or the script returned
 * nothing): Argo CD then falls back to its built-in checks. A script that fails reports Unknown with
 * the error, as Argo CD's application controller does.
 */
import { argocdCmHealthData, healthOverridesFromArgocdCm } from './argocd-cm.js';
import { type HealthStatusCode, isHealthStatus, runHealthLua } from './lua-vm.js';
import { type GroupKind, healthScriptFor } from './script-for.js';

export { argocdCmHealthData } from './argocd-cm.js';
export { type HealthCustomization, loadHealthCustomizations } from './customizations.js';
export { HEALTH_STATUSES, type HealthStatusCode } from './lua-vm.js';

export interface HealthStatus {
  status: HealthStatusCode;
  message?: string;
}

export type HealthAssessor = (object: GroupKind) => HealthStatus | undefined;

export function healthFromArgocdCm(data: Readonly<Record<string, string>>): HealthAssessor {
  const overrides = healthOverridesFromArgocdCm(data);
  return (object) => {
    const chosen = healthScriptFor(overrides, object);
    if (!chosen) return undefined;
    const run = runHealthLua({ script: chosen.healthLua, object, useOpenLibs: chosen.useOpenLibs });
    if (!run.ok) return { status: 'Unknown', message: run.error };
    const { status, message } = run.health;
    if (!isHealthStatus(status)) return undefined;
    return message === undefined ? { status } : { status, message };
  };
}

/** Whether argocd-cm `data` holds a health script for `apiVersion`/`kind` (exact or wildcard key). */
export function healthCoversFromArgocdCm(
  data: Readonly<Record<string, string>>,
): (apiVersion: string, kind: string) => boolean {
  const overrides = healthOverridesFromArgocdCm(data);
  return (apiVersion, kind) => healthScriptFor(overrides, { apiVersion, kind }) !== undefined;
}

let shipped: HealthAssessor | undefined;

/** Health of `object` from the customizations this project ships (loaded once). */
export function healthOf(object: GroupKind): HealthStatus | undefined {
  shipped ??= healthFromArgocdCm(argocdCmHealthData());
  return shipped(object);
}
