/**
 * Typed access to Switchyard's kinds through client-node: fresh reads, status writes through
 * `/status` as a merge patch under the controller's own field manager (so Argo CD can ignore
 * exactly what we own, ARCHITECTURE §4), and optimistic-concurrency replaces where a lock is needed.
 */
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../src/apis/common.js';
import {
  type Failover,
  type FailoverPlan,
  FailoverPlanResource,
  type FailoverPlanStatus,
  FailoverResource,
  type FailoverStatus,
  type RegionHealth,
  RegionHealthResource,
  type RegionHealthStatus,
} from '../../src/apis/index.js';
import { isNotFound } from './api-errors.js';

export const FIELD_MANAGER = 'switchyard-controller';

export interface Plural {
  plural: string;
}

export const FAILOVERS: Plural = { plural: FailoverResource.plural };
export const FAILOVER_PLANS: Plural = { plural: FailoverPlanResource.plural };
export const REGION_HEALTHS: Plural = { plural: RegionHealthResource.plural };

/** Metadata fields the apiserver sets; the shared ObjectMeta schema keeps them as unknown extras. */
export interface ServerMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: string;
}

export function serverMeta(object: { metadata: object }): ServerMeta {
  const meta = object.metadata as Partial<Record<keyof ServerMeta, unknown>>;
  return {
    name: String(meta.name ?? ''),
    namespace: String(meta.namespace ?? ''),
    uid: String(meta.uid ?? ''),
    resourceVersion: String(meta.resourceVersion ?? ''),
    generation: typeof meta.generation === 'number' ? meta.generation : 0,
    creationTimestamp: String(meta.creationTimestamp ?? ''),
  };
}

export class InvalidObjectError extends Error {}

const mergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class SwitchyardKube {
  readonly api: CustomObjectsApi;

  constructor(config: KubeConfig) {
    this.api = config.makeApiClient(CustomObjectsApi);
  }

  private base(namespace: string, plural: Plural) {
    return { group: GROUP, version: VERSION, namespace, plural: plural.plural };
  }

  async getFailover(namespace: string, name: string): Promise<Failover | undefined> {
    return this.get(namespace, name, FAILOVERS, (raw) => FailoverResource.safeParse(raw));
  }

  async getPlan(namespace: string, name: string): Promise<FailoverPlan | undefined> {
    return this.get(namespace, name, FAILOVER_PLANS, (raw) => FailoverPlanResource.safeParse(raw));
  }

  async getRegionHealth(namespace: string, name: string): Promise<RegionHealth | undefined> {
    return this.get(namespace, name, REGION_HEALTHS, (raw) => RegionHealthResource.safeParse(raw));
  }

  /**
   * Writes the Failover's status at the resourceVersion it was read at (the merge patch carries
   * metadata.resourceVersion, so the apiserver answers 409 if anyone wrote since): a status write
   * precedes every action, and a writer working from a stale read (a deposed leader) must not act.
   */
  async patchFailoverStatus(failover: Failover, status: FailoverStatus): Promise<Failover> {
    const meta = serverMeta(failover);
    const updated: unknown = await this.api.patchNamespacedCustomObjectStatus(
      {
        ...this.base(meta.namespace, FAILOVERS),
        name: meta.name,
        body: { metadata: { resourceVersion: meta.resourceVersion }, status },
        fieldManager: FIELD_MANAGER,
      },
      mergePatch(),
    );
    return FailoverResource.parse(updated);
  }

  /**
   * Sets the Failover's metadata.finalizers to `finalizers` at the resourceVersion it was read at:
   * a merge patch replaces the whole list, so the precondition is what keeps a finalizer someone
   * else added meanwhile (409, the caller re-reads).
   */
  async setFailoverFinalizers(failover: Failover, finalizers: readonly string[]): Promise<Failover> {
    const meta = serverMeta(failover);
    const updated: unknown = await this.api.patchNamespacedCustomObject(
      {
        ...this.base(meta.namespace, FAILOVERS),
        name: meta.name,
        body: { metadata: { resourceVersion: meta.resourceVersion, finalizers: [...finalizers] } },
        fieldManager: FIELD_MANAGER,
      },
      mergePatch(),
    );
    return FailoverResource.parse(updated);
  }

  async patchRegionHealthStatus(health: RegionHealth, status: RegionHealthStatus): Promise<void> {
    const meta = serverMeta(health);
    await this.api.patchNamespacedCustomObjectStatus(
      {
        ...this.base(meta.namespace, REGION_HEALTHS),
        name: meta.name,
        body: { status },
        fieldManager: FIELD_MANAGER,
      },
      mergePatch(),
    );
  }

  /**
   * Merge-patches part of the plan's status (readiness conditions). No resourceVersion: it touches
   * only the fields it names, so it never clobbers the lock (lastExecution) written by replace.
   */
  async patchPlanStatus(plan: FailoverPlan, status: Partial<FailoverPlanStatus>): Promise<void> {
    const meta = serverMeta(plan);
    await this.api.patchNamespacedCustomObjectStatus(
      {
        ...this.base(meta.namespace, FAILOVER_PLANS),
        name: meta.name,
        body: { status },
        fieldManager: FIELD_MANAGER,
      },
      mergePatch(),
    );
  }

  /**
   * Replaces the plan's status at the plan's resourceVersion: a 409 means someone wrote it since
   * we read it, which is what makes the plan's lastExecution usable as a lock.
   */
  async replacePlanStatus(
    plan: FailoverPlan,
    status: NonNullable<FailoverPlan['status']>,
  ): Promise<FailoverPlan> {
    const meta = serverMeta(plan);
    const updated: unknown = await this.api.replaceNamespacedCustomObjectStatus({
      ...this.base(meta.namespace, FAILOVER_PLANS),
      name: meta.name,
      body: { ...plan, status },
      fieldManager: FIELD_MANAGER,
    });
    return FailoverPlanResource.parse(updated);
  }

  async createFailover(namespace: string, body: object): Promise<Failover> {
    const created: unknown = await this.api.createNamespacedCustomObject({
      ...this.base(namespace, FAILOVERS),
      body,
      fieldManager: FIELD_MANAGER,
    });
    return FailoverResource.parse(created);
  }

  private async get<T>(
    namespace: string,
    name: string,
    plural: Plural,
    parse: (raw: unknown) => { success: true; data: T } | { success: false; issues: unknown[] },
  ): Promise<T | undefined> {
    let raw: unknown;
    try {
      raw = await this.api.getNamespacedCustomObject({ ...this.base(namespace, plural), name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const parsed = parse(raw);
    if (!parsed.success) {
      throw new InvalidObjectError(
        `${plural.plural} ${namespace}/${name} does not match its schema: ${JSON.stringify(parsed.issues).slice(0, 500)}`,
      );
    }
    return parsed.data;
  }
}
