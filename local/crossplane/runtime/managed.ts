/**
 * crossplane-runtime's managed reconciler, for every managed-resource kind the local provider
 * serves (`LocalProvider.handlerFor`), with the provider's handler as the external client:
 *
 * - the finalizer `finalizer.managedresource.crossplane.io` first;
 * - observe; absent → create (only when the management policies allow Create; `spec.initProvider`
 *   is merged under `spec.forProvider` for the create call only), present but not up to date →
 *   update (when Update is allowed); an Observe-only resource that does not exist is an error;
 * - then the `crossplane.io/external-name` annotation, `status.atProvider` and the conditions:
 *   Synced (ReconcileSuccess / ReconcileError with the message) and Ready (Available, Creating,
 *   Deleting);
 * - deleting: the external delete (when Delete is allowed) until observe finds nothing, then the
 *   finalizer goes.
 *
 * Each resource is its own key in the work queue: an error stays with it and is retried with
 * backoff while the others proceed. A resource not yet ready is looked at again shortly; a ready
 * one every `pollIntervalMs` (Crossplane's poll interval), to notice drift.
 */
import type { Logger } from 'pino';
import type { ApiResource, KubeClient, KubeObject } from '../../cluster/client.js';
import { type Condition, condition, conditionsOf, setConditions } from '../../cluster/conditions.js';
import type { Informer, Informers } from '../../cluster/informer.js';
import { type ReconcileResult, WorkQueue } from '../../cluster/queue.js';
import type { HandlerContext, LocalProvider, ManagedResource, Observation } from '../provider.js';
import { CRD_RESOURCE } from './crds.js';
import {
  containsDesired,
  errorMessage,
  finalizersOf,
  isDeleting,
  keyOfRef,
  refOf,
  refOfKey,
} from './objects.js';
import { referenceLookup } from './references.js';

export const MANAGED_FINALIZER = 'finalizer.managedresource.crossplane.io';
export const EXTERNAL_NAME_ANNOTATION = 'crossplane.io/external-name';
/** The field owner of the reconciler's writes (a provider's controller manager). */
export const MANAGED_FIELD_MANAGER = 'managed.crossplane.io/local-provider';

export interface ManagedReconcilerOptions {
  client: KubeClient;
  informers: Informers;
  provider: LocalProvider;
  log: Logger;
  workers?: number;
  /** How often a ready resource is observed again (drift). Default 60 s. */
  pollIntervalMs?: number;
  /** How soon a resource still being created or deleted is observed again. Default 200 ms. */
  waitIntervalMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface ManagedReconciler {
  queue: WorkQueue;
  stop(): Promise<void>;
}

type Action = 'Observe' | 'Create' | 'Update' | 'Delete' | 'LateInitialize';

/** What `spec.managementPolicies` allows (default `["*"]`: everything). */
function policies(mr: ManagedResource) {
  const listed = mr.spec.managementPolicies ?? ['*'];
  return {
    allows: (action: Action) => listed.includes('*') || listed.includes(action),
    onlyObserve: listed.length === 1 && listed[0] === 'Observe',
  };
}

/** The resource as observe, update and delete see it: initProvider is for the create call only. */
function withoutInitProvider(mr: ManagedResource): ManagedResource {
  const { initProvider: _initProvider, ...spec } = mr.spec;
  return { ...mr, spec: spec as ManagedResource['spec'] };
}

/** The resource as create sees it: forProvider over initProvider (upjet merges them for the create). */
function withInitProvider(mr: ManagedResource): ManagedResource {
  const { initProvider, ...spec } = mr.spec;
  return {
    ...mr,
    spec: {
      ...spec,
      forProvider: mergeUnder(initProvider ?? {}, spec.forProvider ?? {}),
    } as ManagedResource['spec'],
  };
}

function mergeUnder(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    merged[key] = isRecord(under) && isRecord(value) ? mergeUnder(under, value) : value;
  }
  return merged;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Synced and Ready conditions and whatever observe said, to write at the end of a reconcile. */
interface Outcome {
  synced: Condition;
  ready?: Condition;
  observation?: Observation;
  requeueAfterMs?: number;
}

export async function startManagedReconciler(options: ManagedReconcilerOptions): Promise<ManagedReconciler> {
  const { client, informers, provider, log } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  const waitIntervalMs = options.waitIntervalMs ?? 200;
  const managed = new Map<string, Informer>();
  const recordOnlyLogged = new Set<string>();
  /** Keys whose last reconcile failed (retried with backoff). */
  const failing = new Set<string>();
  const context: HandlerContext = { lookup: referenceLookup(informers) };

  const queue = new WorkQueue(
    async (key) => {
      try {
        const result = await reconcile(key);
        failing.delete(key);
        return result;
      } catch (error) {
        failing.add(key);
        throw error;
      }
    },
    {
      name: 'managed',
      workers: options.workers ?? 8,
      baseBackoffMs: options.baseBackoffMs ?? 100,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
      log,
    },
  );
  const typeKey = (apiVersion: string, kind: string) => `${apiVersion}\t${kind}`;

  const serve = async (resource: ApiResource) => {
    const key = typeKey(resource.apiVersion, resource.kind);
    if (managed.has(key)) return;
    const informer = await informers.of(resource);
    if (managed.has(key)) return;
    managed.set(key, informer);
    if (provider.isRecordOnly(resource.apiVersion, resource.kind) && !recordOnlyLogged.has(key)) {
      recordOnlyLogged.add(key);
      log.info(
        { kind: resource.kind, apiVersion: resource.apiVersion },
        'the AWS simulator has no model of this kind: its managed resources are recorded only',
      );
    }
    // Like crossplane-runtime's DesiredStateChanged predicate: the reconciler's own status writes wake nothing.
    informer.on((object, event, old) => {
      if (event === 'DELETED') return;
      if (!old || desiredStateChanged(old, object)) queue.add(keyOfRef(refOf(object)));
      // A resource that just became ready may be what a failing one refers to: retry those now
      // rather than at the end of their backoff (start-up provisions chains of references).
      if (old && becameReady(old, object)) for (const key of failing) queue.add(key);
    });
  };

  const crds = await informers.of(CRD_RESOURCE);
  crds.on((crd) => {
    for (const resource of servedResources(crd)) {
      if (!provider.handlerFor(resource.apiVersion, resource.kind)) continue;
      serve(resource).catch((error: unknown) =>
        log.warn({ err: error, kind: resource.kind }, 'cannot watch managed resources'),
      );
    }
  });

  const writeOutcome = async (resource: ApiResource, mr: KubeObject, outcome: Outcome) => {
    let current = mr;
    const externalName = outcome.observation?.externalName;
    const annotations = (mr.metadata.annotations ?? {}) as Record<string, string>;
    if (externalName && annotations[EXTERNAL_NAME_ANNOTATION] !== externalName) {
      current = await client.mergePatch(
        resource,
        mr,
        { metadata: { annotations: { [EXTERNAL_NAME_ANNOTATION]: externalName } } },
        { fieldManager: MANAGED_FIELD_MANAGER },
      );
    }
    const conditions = setConditions(conditionsOf(current), [
      outcome.synced,
      ...(outcome.ready ? [outcome.ready] : []),
    ]);
    const status: Record<string, unknown> = { conditions };
    if (outcome.observation) status.atProvider = outcome.observation.atProvider;
    if (containsDesired(current.status, status)) return;
    await client.mergePatch(
      resource,
      current,
      { status },
      { status: true, fieldManager: MANAGED_FIELD_MANAGER },
    );
  };

  const setFinalizers = (resource: ApiResource, mr: KubeObject, finalizers: string[]) =>
    client.mergePatch(
      resource,
      mr,
      { metadata: { resourceVersion: mr.metadata.resourceVersion, finalizers } },
      { fieldManager: MANAGED_FIELD_MANAGER },
    );

  /** Observe, then create or update as the policies allow; what to write comes back. */
  const sync = async (mr: ManagedResource): Promise<Outcome> => {
    const handler = provider.handlerFor(mr.apiVersion, mr.kind);
    if (!handler) throw new Error(`the local provider serves no ${mr.kind}.${mr.apiVersion}`);
    const policy = policies(mr);
    const view = withoutInitProvider(mr);
    const step = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (error) {
        throw new ReconcileError(`cannot ${what} external resource: ${errorMessage(error)}`);
      }
    };
    let observation = await step('observe', () => handler.observe(view, context));
    if (!observation) {
      if (policy.onlyObserve)
        throw new ReconcileError('cannot observe external resource: external resource does not exist');
      if (!policy.allows('Create')) {
        return {
          synced: condition(
            'Synced',
            'True',
            'ReconcileSuccess',
            'Skipping creation: managementPolicies exclude Create',
          ),
        };
      }
      await step('create', () => handler.create(withInitProvider(mr), context));
      log.debug(
        { kind: mr.kind, namespace: mr.metadata.namespace, name: mr.metadata.name },
        'created external resource',
      );
      observation = await step('observe', () => handler.observe(view, context));
      if (!observation) {
        return {
          synced: condition('Synced', 'True', 'ReconcileSuccess'),
          ready: condition('Ready', 'False', 'Creating'),
          requeueAfterMs: waitIntervalMs,
        };
      }
    } else if (observation.upToDate === false && policy.allows('Update') && handler.update) {
      const observed = observation;
      await step('update', async () => handler.update?.(view, observed, context));
      observation = (await step('observe', () => handler.observe(view, context))) ?? observation;
    }
    const recordOnly = provider.isRecordOnly(mr.apiVersion, mr.kind)
      ? 'recorded only: the AWS simulator has no model of this kind'
      : undefined;
    const ready = observation.ready
      ? condition('Ready', 'True', 'Available', recordOnly)
      : condition('Ready', 'False', 'Creating', observation.message);
    const stale = observation.upToDate === false && !policy.allows('Update');
    return {
      synced: condition(
        'Synced',
        'True',
        'ReconcileSuccess',
        stale ? 'Skipping update: managementPolicies exclude Update' : undefined,
      ),
      ready,
      observation,
      requeueAfterMs: observation.ready ? pollIntervalMs : waitIntervalMs,
    };
  };

  /** Deleting: the external delete as allowed, until observe finds nothing; then the finalizer goes. */
  const remove = async (resource: ApiResource, cached: KubeObject): Promise<ReconcileResult | undefined> => {
    if (!finalizersOf(cached).includes(MANAGED_FINALIZER)) return undefined;
    const mr = cached as unknown as ManagedResource;
    const handler = provider.handlerFor(mr.apiVersion, mr.kind);
    const view = withoutInitProvider(mr);
    if (handler && policies(mr).allows('Delete')) {
      const observed = await handler.observe(view, context);
      if (observed && handler.delete) {
        await handler.delete(view, context);
        log.debug(
          { kind: mr.kind, namespace: mr.metadata.namespace, name: mr.metadata.name },
          'deleted external resource',
        );
        if (await handler.observe(view, context)) {
          await writeOutcome(resource, cached, {
            synced: condition('Synced', 'True', 'ReconcileSuccess'),
            ready: condition('Ready', 'False', 'Deleting'),
          });
          return { requeueAfterMs: waitIntervalMs };
        }
      }
    }
    await setFinalizers(
      resource,
      cached,
      finalizersOf(cached).filter((finalizer) => finalizer !== MANAGED_FINALIZER),
    );
    return undefined;
  };

  const reconcile = async (key: string): Promise<ReconcileResult | undefined> => {
    const ref = refOfKey(key);
    const informer = managed.get(typeKey(ref.apiVersion, ref.kind));
    const cached = informer?.get(ref.namespace, ref.name);
    if (!informer || !cached) return undefined;
    const resource = informer.resource;
    if (isDeleting(cached)) {
      try {
        return await remove(resource, cached);
      } catch (error) {
        await writeOutcome(resource, cached, {
          synced: condition(
            'Synced',
            'False',
            'ReconcileError',
            `cannot delete external resource: ${errorMessage(error)}`,
          ),
        });
        throw error;
      }
    }
    let mr = cached;
    if (!finalizersOf(mr).includes(MANAGED_FINALIZER)) {
      mr = await setFinalizers(resource, mr, [...finalizersOf(mr), MANAGED_FINALIZER]);
    }
    let outcome: Outcome;
    try {
      outcome = await sync(mr as unknown as ManagedResource);
    } catch (error) {
      if (!(error instanceof ReconcileError)) throw error;
      await writeOutcome(resource, mr, {
        synced: condition('Synced', 'False', 'ReconcileError', error.message),
      });
      throw error;
    }
    await writeOutcome(resource, mr, outcome);
    return outcome.requeueAfterMs === undefined ? undefined : { requeueAfterMs: outcome.requeueAfterMs };
  };

  return {
    queue,
    async stop() {
      await queue.stop();
    },
  };
}

/** A failed external call, reported on the resource as Synced=False with this message. */
class ReconcileError extends Error {
  override name = 'ReconcileError';
}

/** The resource's spec, labels, annotations, finalizers or deletion changed: not only its status. */
function desiredStateChanged(old: KubeObject, current: KubeObject): boolean {
  const o = old.metadata;
  const c = current.metadata;
  return (
    o.generation !== c.generation ||
    o.deletionTimestamp !== c.deletionTimestamp ||
    JSON.stringify(o.annotations ?? {}) !== JSON.stringify(c.annotations ?? {}) ||
    JSON.stringify(o.labels ?? {}) !== JSON.stringify(c.labels ?? {}) ||
    JSON.stringify(o.finalizers ?? []) !== JSON.stringify(c.finalizers ?? [])
  );
}

const isReady = (object: KubeObject) =>
  conditionsOf(object).some((c) => c.type === 'Ready' && c.status === 'True');
const becameReady = (old: KubeObject, current: KubeObject) => !isReady(old) && isReady(current);

/** Each served version of an Established CRD, as a resource type. */
function servedResources(crd: KubeObject): ApiResource[] {
  if (!conditionsOf(crd).some((c) => c.type === 'Established' && c.status === 'True')) return [];
  const spec = crd.spec as {
    group: string;
    scope: string;
    names: { kind: string; plural: string };
    versions: { name: string; served: boolean; storage: boolean }[];
  };
  return spec.versions
    .filter((version) => version.served)
    .map((version) => ({
      apiVersion: `${spec.group}/${version.name}`,
      kind: spec.names.kind,
      plural: spec.names.plural,
      namespaced: spec.scope === 'Namespaced',
    }));
}
