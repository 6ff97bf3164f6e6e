/**
 * When to start a sync operation. `gitops serve` follows Argo CD's automated sync
 * (controller/appcontroller.go autoSync); `gitops sync` is a sync someone asked for, like
 * `argocd app sync`: it runs whenever the application is OutOfSync.
 */
import type { ApplicationRules } from './application.js';
import type { Comparison } from './compare.js';
import type { OperationState } from './operation.js';
import { keyString } from './resource-key.js';
import type { Condition } from './status-store.js';

export type SyncDecision =
  | { sync: false; reason: string; condition?: Condition }
  | { sync: true; prune: boolean; reason: string; only?: ReadonlySet<string> };

const short = (revision: string) => revision.slice(0, 12);

export function decideManualSync(rules: ApplicationRules, comparison: Comparison): SyncDecision {
  if (comparison.sync !== 'OutOfSync') return { sync: false, reason: `application is ${comparison.sync}` };
  return { sync: true, prune: rules.automated?.prune ?? false, reason: 'sync requested' };
}

/**
 * Argo CD waits between self-heal attempts with a backoff that starts at 2 s and grows (×3, up to
 * 5 min); the stand-in waits the same fixed delay every time.
 */
export const DEFAULT_SELF_HEAL_DELAY_MS = 2_000;

export function decideAutoSync(
  rules: ApplicationRules,
  comparison: Comparison,
  lastOperation: OperationState | undefined,
  selfHealDelayMs = DEFAULT_SELF_HEAL_DELAY_MS,
  now = Date.now(),
): SyncDecision {
  const automated = rules.automated;
  if (!automated) return { sync: false, reason: 'automated sync is not enabled' };
  if (comparison.sync !== 'OutOfSync')
    return { sync: false, reason: `application status is ${comparison.sync}` };
  const outOfSync = comparison.resources.filter((resource) => resource.status !== 'Synced');
  if (!automated.prune && outOfSync.every((resource) => resource.requiresPruning))
    return { sync: false, reason: 'need to prune extra resources only but automated prune is disabled' };
  const revision = comparison.revision;
  let only: ReadonlySet<string> | undefined;
  if (lastOperation && lastOperation.syncResult.revision === revision && lastOperation.phase !== 'Running') {
    if (lastOperation.phase !== 'Succeeded') {
      const message = `Failed last sync attempt to ${short(revision)}: ${lastOperation.message}`;
      return {
        sync: false,
        reason: `failed previous sync attempt to ${short(revision)} and will not retry it`,
        condition: { type: 'SyncError', message },
      };
    }
    if (!automated.selfHeal) return { sync: false, reason: `most recent sync already to ${short(revision)}` };
    const remaining = Date.parse(lastOperation.finishedAt ?? lastOperation.startedAt) + selfHealDelayMs - now;
    if (remaining > 0)
      return { sync: false, reason: `self-heal waits ${remaining} ms more after the last sync` };
    // Self-heal syncs only what drifted.
    only = new Set(outOfSync.map((resource) => keyString(resource.key)));
  }
  if (
    automated.prune &&
    !automated.allowEmpty &&
    comparison.resources.every((resource) => resource.requiresPruning)
  ) {
    const message = `Skipping sync attempt to ${short(revision)}: auto-sync will wipe out all resources`;
    return { sync: false, reason: message, condition: { type: 'SyncError', message } };
  }
  return {
    sync: true,
    prune: automated.prune,
    reason: only ? 'self-heal' : `automated sync to ${short(revision)}`,
    ...(only ? { only } : {}),
  };
}
