/**
 * Crossplane core's composite resource reconciler, for the XR kinds of every Established XRD:
 * each XR is rendered (local/crossplane/render: function-patch-and-transform + auto-ready) with the
 * Composition Crossplane would select and the composed resources it controls as observed; each
 * desired composed resource is server-side applied with a controller reference to the XR; what the
 * pipeline no longer wants is deleted; then the XR's status (patched fields, Synced, Ready) and
 * spec.crossplane.compositionRef and resourceRefs are written. A composed XR is an XR like any other: it is
 * reconciled when the cluster says it changed, not in memory.
 *
 * A composed resource is named as Crossplane v2 names it (names.ts): deterministically from the
 * XR's uid and the composition resource name, so a reconcile racing the watch of what the previous
 * one created names it the same again and never composes a second one.
 *
 * Deleting an XR deletes what it composed: the XR carries Crossplane's finalizer, and while it is
 * deleting every composed resource is deleted (each by its own controller, so a managed resource's
 * finalizer runs its external delete) and the finalizer is dropped only when none is left. (The
 * emulator's garbage collection removes dependents outright, finalizers or not; this order keeps
 * it from ever having any left to remove.)
 */
import type { Logger } from 'pino';
import type { Composition } from '../../../src/estate/patch-and-transform/types.js';
import type { ApiResource, KubeClient, KubeObject } from '../../cluster/client.js';
import { type Condition, condition, conditionsOf, setConditions } from '../../cluster/conditions.js';
import type { Informer, Informers } from '../../cluster/informer.js';
import { type ReconcileResult, WorkQueue } from '../../cluster/queue.js';
import { CompositionSet } from '../render/compositions.js';
import type { KubeObject as RenderObject } from '../render/objects.js';
import { RESOURCE_NAME_ANNOTATION } from '../render/objects.js';
import { RenderError, renderComposite } from '../render/render.js';
import { compositeResource, XRDS } from './definitions.js';
import { crossplaneChildName } from './names.js';
import {
  containsDesired,
  controllerOf,
  errorMessage,
  finalizersOf,
  isDeleting,
  keyOfRef,
  type ObjectRef,
  refOf,
  refOfKey,
} from './objects.js';

/** Crossplane's field owners: composed resources are applied under one, the XR's own fields under the other. */
export const COMPOSED_FIELD_MANAGER = 'apiextensions.crossplane.io/composed';
export const COMPOSITE_FIELD_MANAGER = 'apiextensions.crossplane.io/composite';
export const COMPOSITE_FINALIZER = 'composite.apiextensions.crossplane.io';

const COMPOSITIONS: ApiResource = {
  apiVersion: 'apiextensions.crossplane.io/v1',
  kind: 'Composition',
  plural: 'compositions',
  namespaced: false,
};

export interface CompositionControllerOptions {
  client: KubeClient;
  informers: Informers;
  log: Logger;
  workers?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface CompositionController {
  queue: WorkQueue;
  stop(): Promise<void>;
}

export async function startCompositionController(
  options: CompositionControllerOptions,
): Promise<CompositionController> {
  const { client, informers, log } = options;
  /** Informers of the served XR kinds, by `apiVersion\tkind`. */
  const composites = new Map<string, Informer>();
  /** Informers whose events wake the controlling XR (composed kinds; XR kinds are composed kinds too). */
  const watchedComposed = new Set<Informer>();
  const loggedWarnings = new Set<string>();

  const queue = new WorkQueue((key) => reconcile(key), {
    name: 'composites',
    workers: options.workers ?? 4,
    baseBackoffMs: options.baseBackoffMs ?? 100,
    maxBackoffMs: options.maxBackoffMs ?? 5_000,
    log,
  });

  const compositeKey = (apiVersion: string, kind: string) => `${apiVersion}\t${kind}`;
  const enqueueController = (object: KubeObject) => {
    const owner = controllerOf(object);
    if (!owner || !composites.has(compositeKey(owner.apiVersion, owner.kind))) return;
    queue.add(
      keyOfRef({ ...owner, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) }),
    );
  };
  const watchComposed = (informer: Informer) => {
    if (watchedComposed.has(informer)) return;
    watchedComposed.add(informer);
    informer.on((object) => enqueueController(object));
  };

  const xrds = await informers.of(XRDS);
  const compositions = await informers.of(COMPOSITIONS);
  const compositionSet = () => CompositionSet.fromDocuments([...xrds.list(), ...compositions.list()]);

  const serveComposite = async (xrd: KubeObject) => {
    const established = conditionsOf(xrd).some((c) => c.type === 'Established' && c.status === 'True');
    if (!established) return;
    const resource = compositeResource(xrd);
    const key = compositeKey(resource.apiVersion, resource.kind);
    if (composites.has(key)) return;
    const informer = await informers.of(resource);
    if (composites.has(key)) return;
    composites.set(key, informer);
    log.info({ kind: resource.kind, apiVersion: resource.apiVersion }, 'reconciling composite resources');
    informer.on((object) => queue.add(keyOfRef(refOf(object))));
    watchComposed(informer);
  };
  xrds.on((xrd) => {
    serveComposite(xrd).catch((error: unknown) =>
      log.warn({ err: error, xrd: xrd.metadata.name }, 'cannot watch XRs'),
    );
  });
  // A changed Composition changes what its XRs render to.
  compositions.on((composition) => {
    const type = (composition as unknown as Composition).spec?.compositeTypeRef;
    const informer = type && composites.get(compositeKey(type.apiVersion, type.kind));
    for (const xr of informer?.list() ?? []) queue.add(keyOfRef(refOf(xr)));
  });

  /** The composed resources `xr` controls (its controller reference), from the caches. */
  const observedOf = (xr: KubeObject): KubeObject[] => {
    const uid = String(xr.metadata.uid);
    const found: KubeObject[] = [];
    for (const informer of watchedComposed) {
      for (const object of informer.list()) if (controllerOf(object)?.uid === uid) found.push(object);
    }
    return found;
  };

  const applyComposed = async (xr: KubeObject, desired: KubeObject, observed: KubeObject | undefined) => {
    const resource = await client.requireResource(String(desired.apiVersion), String(desired.kind));
    const resourceName = String(
      (desired.metadata.annotations as Record<string, string>)[RESOURCE_NAME_ANNOTATION],
    );
    if (!desired.metadata.name) {
      desired.metadata.name = crossplaneChildName(
        String(desired.metadata.generateName ?? ''),
        String(xr.metadata.uid),
        resourceName,
      );
    }
    // Crossplane applies every time; skipping what would change nothing saves a request per resource per render.
    if (observed && containsDesired(observed, desired)) return;
    // generateName stays: Crossplane's composed objects keep it beside the name it derived from it.
    await client.apply(resource, desired, COMPOSED_FIELD_MANAGER);
  };

  const deleteComposed = async (object: KubeObject) => {
    if (isDeleting(object)) return;
    const resource = await client.requireResource(String(object.apiVersion), String(object.kind));
    await client.delete(resource, object);
  };

  const writeStatus = async (
    resource: ApiResource,
    xr: KubeObject,
    status: Record<string, unknown>,
    updates: Condition[],
  ) => {
    const conditions = setConditions(conditionsOf(xr), updates);
    const wanted = { ...status, conditions };
    if (containsDesired(xr.status, wanted)) return;
    await client.mergePatch(
      resource,
      xr,
      { status: wanted },
      { status: true, fieldManager: COMPOSITE_FIELD_MANAGER },
    );
  };

  const finalize = async (resource: ApiResource, xr: KubeObject): Promise<ReconcileResult | undefined> => {
    if (!finalizersOf(xr).includes(COMPOSITE_FINALIZER)) return undefined;
    const remaining = observedOf(xr);
    for (const object of remaining) await deleteComposed(object);
    if (remaining.length > 0) return { requeueAfterMs: 500 };
    await client.mergePatch(
      resource,
      xr,
      {
        metadata: {
          resourceVersion: xr.metadata.resourceVersion,
          finalizers: finalizersOf(xr).filter((finalizer) => finalizer !== COMPOSITE_FINALIZER),
        },
      },
      { fieldManager: COMPOSITE_FIELD_MANAGER },
    );
    log.info(
      { kind: xr.kind, namespace: xr.metadata.namespace, name: xr.metadata.name },
      'composite resource deleted',
    );
    return undefined;
  };

  /**
   * The XR's own fields, applied under its field owner: Crossplane's finalizer and, once composed,
   * spec.crossplane.compositionRef (the Composition selected) and resourceRefs (what it composed).
   */
  const applyMachinery = async (
    resource: ApiResource,
    xr: KubeObject,
    composed?: { compositionRef: { name: string }; resourceRefs: ObjectRef[] },
  ) => {
    const spec = (xr.spec ?? {}) as { crossplane?: unknown };
    const hasFinalizer = finalizersOf(xr).includes(COMPOSITE_FINALIZER);
    if (hasFinalizer && (composed === undefined || containsDesired(spec.crossplane, composed))) return xr;
    return client.apply(
      resource,
      {
        apiVersion: xr.apiVersion,
        kind: xr.kind,
        metadata: {
          name: xr.metadata.name,
          ...(xr.metadata.namespace ? { namespace: xr.metadata.namespace } : {}),
          finalizers: [COMPOSITE_FINALIZER],
        },
        ...(composed === undefined ? {} : { spec: { crossplane: composed } }),
      } as KubeObject,
      COMPOSITE_FIELD_MANAGER,
    );
  };

  const reconcile = async (key: string): Promise<ReconcileResult | undefined> => {
    const ref = refOfKey(key);
    const informer = composites.get(compositeKey(ref.apiVersion, ref.kind));
    const cached = informer?.get(ref.namespace, ref.name);
    if (!informer || !cached) return undefined;
    const resource = informer.resource;
    if (isDeleting(cached)) return finalize(resource, cached);
    // The finalizer first: from then on a delete waits for what is composed to go.
    const xr = await applyMachinery(resource, cached);

    let composition: Composition;
    try {
      composition = compositionSet().select(xr as RenderObject);
      for (const template of resourceTemplates(composition)) {
        const composedInformer = await informers.forKind(template.apiVersion, template.kind);
        if (!composedInformer)
          throw new RenderError(`composed kind ${template.kind}.${template.apiVersion} is not served yet`);
        watchComposed(composedInformer);
      }
    } catch (error) {
      await writeStatus(resource, xr, {}, [
        condition('Synced', 'False', 'ReconcileError', errorMessage(error)),
      ]);
      throw error;
    }

    const observed = observedOf(xr);
    let output: ReturnType<typeof renderComposite>;
    try {
      output = renderComposite({ xr: xr as RenderObject, composition, observed: observed as RenderObject[] });
    } catch (error) {
      await writeStatus(resource, xr, {}, [
        condition('Synced', 'False', 'ReconcileError', errorMessage(error)),
      ]);
      throw error;
    }
    for (const warning of output.warnings) {
      const id = `${xr.metadata.uid} ${warning}`;
      if (loggedWarnings.has(id)) continue;
      loggedWarnings.add(id);
      log.info({ kind: xr.kind, name: xr.metadata.name, warning }, 'composition warning');
    }

    const byResourceName = new Map(
      observed.map((object) => [
        (object.metadata.annotations as Record<string, string>)[RESOURCE_NAME_ANNOTATION],
        object,
      ]),
    );
    const wanted = new Set<string>();
    const refs: ObjectRef[] = [];
    for (const composed of output.composed as KubeObject[]) {
      const resourceName =
        (composed.metadata.annotations as Record<string, string>)[RESOURCE_NAME_ANNOTATION] ?? '';
      wanted.add(resourceName);
      await applyComposed(xr, composed, byResourceName.get(resourceName));
      refs.push({
        apiVersion: String(composed.apiVersion),
        kind: String(composed.kind),
        name: String(composed.metadata.name),
      });
    }
    for (const [resourceName, object] of byResourceName) {
      if (resourceName !== undefined && wanted.has(resourceName)) continue;
      log.info(
        { xr: xr.metadata.name, resource: resourceName, name: object.metadata.name },
        'deleting a composed resource the composition no longer wants',
      );
      await deleteComposed(object);
    }

    const current = await applyMachinery(resource, xr, {
      compositionRef: { name: String(composition.metadata.name) },
      resourceRefs: sortRefs(refs),
    });
    const { conditions: renderedConditions, ...status } = (output.xr.status ?? {}) as {
      conditions?: Condition[];
    };
    const ready = renderedConditions?.find((c) => c.type === 'Ready');
    await writeStatus(resource, current, status, [
      condition('Synced', 'True', 'ReconcileSuccess'),
      ...(ready ? [condition('Ready', ready.status, ready.reason, ready.message)] : []),
    ]);
    return undefined;
  };

  return {
    queue,
    async stop() {
      await queue.stop();
    },
  };
}

function resourceTemplates(composition: Composition): { apiVersion: string; kind: string }[] {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const step of composition.spec.pipeline) {
    for (const resource of step.input?.resources ?? []) {
      const base = resource.base as { apiVersion: string; kind: string };
      kinds.set(`${base.apiVersion} ${base.kind}`, { apiVersion: base.apiVersion, kind: base.kind });
    }
  }
  return [...kinds.values()];
}

function sortRefs(refs: ObjectRef[]): ObjectRef[] {
  const key = (ref: ObjectRef) => `${ref.apiVersion} ${ref.kind} ${ref.name}`;
  return [...refs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
