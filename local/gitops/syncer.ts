/**
 * The embedded syncer: follows one branch of a local git repository for one Application and keeps
 * the cluster of a kubeconfig at the Application's folder, Argo CD style (ADR 0018). Each
 * reconciliation reads the branch, accepts or refuses its head commit whole, compares the last
 * accepted commit with the cluster, syncs when it should, and writes the status file.
 *
 * A refused commit changes nothing: the last accepted one keeps being served (and self-healed),
 * also after a restart, since the status file names it and it is read again from the repository.
 */
import type { Logger } from 'pino';
import { isPlainObject } from '../../src/schema/openapi.js';
import { AUTOMATED_DEFAULT_RETRY, type RetryStrategy, retryDelayMs } from './application.js';
import { ARGOCD_CM, DEFAULT_WAVE_DELAY_MS, STAND_IN, STAND_IN_LOG_LABEL } from './argocd-names.js';
import { decideAutoSync, decideManualSync, type SyncDecision } from './auto-sync.js';
import { Cluster } from './cluster.js';
import { type Comparison, compare, resourceVersionName, resourceWave } from './compare.js';
import { builtInOnly, type HealthChecks, type HealthChecksFactory } from './health.js';
import { type ApplicationSelector, type DesiredState, readCommit } from './manifests.js';
import { type OperationState, runOperation } from './operation.js';
import { GitRepo, RepoError } from './repo.js';
import { sleep } from './sleep.js';
import {
  type ApplicationStatus,
  type Condition,
  readStatus,
  statusFile,
  writeStatus,
} from './status-store.js';

export interface SyncerOptions {
  repo: string;
  branch: string;
  selector: ApplicationSelector;
  kubeconfig: string;
  /** Where the status file goes (`<stateDir>/gitops/`). */
  stateDir: string;
  log: Logger;
  /** The argocd-cm health customizations (the Lua runner); built-in checks only by default. */
  health?: HealthChecksFactory;
  waveDelayMs?: number;
  /** How often a running operation re-reads health. */
  pollMs?: number;
  /** How long self-heal waits after the last sync before syncing drift again. */
  selfHealDelayMs?: number;
}

export type ReconcileMode = 'manual' | 'automated';

export class Syncer {
  private readonly repo: GitRepo;
  private readonly cluster: Cluster;
  private readonly log: Logger;
  private lastGood: DesiredState | undefined;
  private lastSeenHead: string | undefined;
  private rejected: ApplicationStatus['rejected'];
  private lastOperation: OperationState | undefined;
  private conditions: Condition[] = [];
  private restored = false;
  /** The accepted commit the status file named at start, kept even while the repository cannot be read. */
  private restoredRevision: string | undefined;

  constructor(private readonly options: SyncerOptions) {
    this.repo = new GitRepo(options.repo);
    this.cluster = Cluster.fromKubeconfig(options.kubeconfig);
    this.log = options.log.child({ standIn: STAND_IN_LOG_LABEL });
  }

  /** One reconciliation; `manual` syncs whenever OutOfSync, `automated` follows the Application's policy. */
  async reconcile(mode: ReconcileMode, signal?: AbortSignal): Promise<ApplicationStatus> {
    await this.restore();
    this.conditions = [];
    await this.readHead();
    const desired = this.lastGood;
    if (!desired) return this.report(undefined);
    const checks = this.options.health
      ? this.options.health(await this.argocdCm(desired))
      : builtInOnly(undefined);
    let comparison = await compare({ cluster: this.cluster, desired, checks });
    const decision =
      mode === 'manual'
        ? decideManualSync(desired.application, comparison)
        : decideAutoSync(desired.application, comparison, this.lastOperation, this.options.selfHealDelayMs);
    if (!decision.sync) {
      if (decision.condition) this.conditions.push(decision.condition);
      this.log.debug(
        { reason: decision.reason, sync: comparison.sync, health: comparison.health },
        'no sync',
      );
      return this.report(comparison);
    }
    this.log.info({ reason: decision.reason, revision: desired.revision }, 'sync operation initiated');
    comparison = await this.operate(desired, checks, comparison, decision, mode, signal);
    return this.report(comparison);
  }

  /** Reconciles every `intervalMs` until `signal` aborts. */
  async serve(intervalMs: number, signal: AbortSignal): Promise<void> {
    this.log.info(
      { repo: this.options.repo, branch: this.options.branch, selector: this.options.selector },
      'stand-in syncer serving',
    );
    while (!signal.aborted) {
      try {
        await this.reconcile('automated', signal);
      } catch (error) {
        this.log.error({ err: error }, 'reconciliation failed');
      }
      await sleep(intervalMs, signal);
    }
  }

  /** Runs the operation, retrying a failed one as the retry strategy says, and compares again. */
  private async operate(
    desired: DesiredState,
    checks: HealthChecks,
    initial: Comparison,
    decision: Extract<SyncDecision, { sync: true }>,
    mode: ReconcileMode,
    signal?: AbortSignal,
  ): Promise<Comparison> {
    const rules = desired.application;
    const retry: RetryStrategy | undefined =
      rules.retry ?? (mode === 'automated' ? AUTOMATED_DEFAULT_RETRY : undefined);
    let comparison = initial;
    for (let attempt = 0; ; attempt++) {
      const operation = await runOperation(
        {
          cluster: this.cluster,
          rules,
          checks,
          revision: desired.revision,
          prune: decision.prune,
          ...(decision.only ? { only: decision.only } : {}),
          waveDelayMs: this.options.waveDelayMs ?? DEFAULT_WAVE_DELAY_MS,
          pollMs: this.options.pollMs ?? 1_000,
          log: this.log,
          ...(signal ? { signal } : {}),
          onProgress: (state) => {
            this.lastOperation = state;
            this.report(comparison);
          },
        },
        comparison.resources,
      );
      this.lastOperation = operation;
      comparison = await compare({ cluster: this.cluster, desired, checks });
      const retriesLeft = retry !== undefined && attempt < retry.limit && !signal?.aborted;
      if (operation.phase !== 'Failed' || !retriesLeft) return comparison;
      const delay = retryDelayMs(retry, attempt);
      this.log.warn(
        { attempt: attempt + 1, limit: retry.limit, delayMs: delay, message: operation.message },
        'sync failed, retrying',
      );
      await sleep(delay, signal);
    }
  }

  /** Reads the branch; a new head is accepted (served from now on) or refused (the last good one stays). */
  private async readHead(): Promise<void> {
    const { branch, selector } = this.options;
    let head: string;
    try {
      head = await this.repo.head(branch);
    } catch (error) {
      if (!(error instanceof RepoError)) throw error;
      this.conditions.push({ type: 'ComparisonError', message: error.message });
      this.log.error({ message: error.message }, 'cannot read the repository');
      return;
    }
    if (head === this.lastSeenHead) return;
    this.lastSeenHead = head;
    const reading = await readCommit(this.repo, head, selector, branch);
    if (reading.ok) {
      this.lastGood = reading.desired;
      this.rejected = undefined;
      this.log.info({ revision: head, objects: reading.desired.manifests.length }, 'commit accepted');
      return;
    }
    this.rejected = { revision: head, problems: reading.problems };
    this.log.error(
      { revision: head, problems: reading.problems, serving: this.lastGood?.revision ?? null },
      'commit refused: nothing of it is applied',
    );
  }

  /** After a restart: the last accepted commit named by the status file, read again. */
  private async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    const previous = readStatus(this.file());
    this.lastOperation = previous?.operationState;
    const revision = previous?.sync.revision;
    if (!revision) return;
    this.restoredRevision = revision;
    const reading = await readCommit(this.repo, revision, this.options.selector, this.options.branch).catch(
      () => undefined,
    );
    if (!reading?.ok) return;
    this.lastGood = reading.desired;
    this.lastSeenHead = revision;
  }

  /** The live argocd-cm's data, where Argo CD reads its health customizations from. */
  private async argocdCm(desired: DesiredState): Promise<Record<string, string> | undefined> {
    const key = { group: '', kind: 'ConfigMap', namespace: desired.application.namespace, name: ARGOCD_CM };
    const configMap = await this.cluster.get('v1', key).catch(() => undefined);
    const data = configMap && isPlainObject(configMap.data) ? configMap.data : undefined;
    return data ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])) : undefined;
  }

  /** What the status names as served: the compared commit, else the last accepted one known. */
  private servedRevision(comparison: Comparison | undefined): { revision?: string } {
    const revision = comparison?.revision ?? this.lastGood?.revision ?? this.restoredRevision;
    return revision ? { revision } : {};
  }

  private file(): string {
    return statusFile(this.options.stateDir, this.options.selector);
  }

  private report(comparison: Comparison | undefined): ApplicationStatus {
    const rules = this.lastGood?.application;
    const status: ApplicationStatus = {
      standIn: STAND_IN,
      selector: this.options.selector,
      ...(rules
        ? {
            application: {
              name: rules.name,
              namespace: rules.namespace,
              project: rules.project,
              path: rules.path,
            },
          }
        : {}),
      source: { repo: this.options.repo, branch: this.options.branch },
      observedAt: new Date().toISOString(),
      ...(this.lastSeenHead ? { headRevision: this.lastSeenHead } : {}),
      sync: {
        status: comparison?.sync ?? 'Unknown',
        ...this.servedRevision(comparison),
      },
      health: { status: comparison?.health ?? 'Unknown' },
      resources: (comparison?.resources ?? []).map((resource) => ({
        ...resource.key,
        version: resourceVersionName(resource),
        status: resource.status,
        ...(resource.health ? { health: resource.health } : {}),
        ...(resource.requiresPruning ? { requiresPruning: true } : {}),
        ...(resourceWave(resource) !== undefined ? { syncWave: resourceWave(resource) } : {}),
        ...(resource.message ? { message: resource.message } : {}),
      })),
      ...(this.lastOperation ? { operationState: this.lastOperation } : {}),
      ...(this.rejected ? { rejected: this.rejected } : {}),
      conditions: [...this.conditions],
    };
    writeStatus(this.file(), status);
    return status;
  }
}
