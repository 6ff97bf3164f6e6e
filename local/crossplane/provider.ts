/**
 * The seam between local/crossplane's managed-resource reconciler (what crossplane-runtime's
 * managed reconciler does: observe, create, update, delete, then status) and the local provider
 * that talks to the AWS simulator for each kind (what an upjet provider's external client does).
 * The reconciler owns conditions, the external-name annotation and status writes; a handler only
 * says what exists in AWS and makes one idempotent call at a time.
 */

/** A managed resource as read from the cluster (namespaced `*.aws.m.upbound.io` kinds). */
export interface ManagedResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  };
  spec: {
    forProvider: Record<string, unknown>;
    initProvider?: Record<string, unknown>;
    managementPolicies?: string[];
    [field: string]: unknown;
  };
  status?: Record<string, unknown>;
}

/** What exists in AWS for a managed resource. */
export interface Observation {
  /** The `crossplane.io/external-name` annotation: the AWS identifier of the resource. */
  externalName: string;
  /** `status.atProvider`: the fields AWS reports (ids, ARNs, DNS names, state). */
  atProvider: Record<string, unknown>;
  /** False while AWS is still creating it (Ready=False, reason Creating). */
  ready: boolean;
  /** False when the desired fields differ from AWS and `update` should run. Default true. */
  upToDate?: boolean;
  /** Why not ready or not up to date, for the condition message. */
  message?: string;
}

/**
 * Another managed resource a field refers to (`*Ref` / `*Selector`), found by the reconciler in the
 * same namespace: by name, or by labels, optionally with the same controller (composite) as the
 * referencing resource. Undefined when none matches yet (the reconciler retries later).
 */
export type ReferenceLookup = (
  target: { apiVersion: string; kind: string },
  from: ManagedResource,
  reference: { name?: string; matchLabels?: Record<string, string>; matchControllerRef?: boolean },
) => Promise<ManagedResource | undefined>;

export interface HandlerContext {
  lookup: ReferenceLookup;
}

/** The external client of one kind; every call idempotent. */
export interface ManagedResourceHandler {
  /** Undefined when the resource does not exist in AWS (the reconciler then calls create). */
  observe(mr: ManagedResource, context: HandlerContext): Promise<Observation | undefined>;
  create(mr: ManagedResource, context: HandlerContext): Promise<void>;
  update?(mr: ManagedResource, observed: Observation, context: HandlerContext): Promise<void>;
  delete?(mr: ManagedResource, context: HandlerContext): Promise<void>;
}

/**
 * A provider: the handler for a kind. A kind without an AWS model in the simulator still gets a
 * handler (marked Ready with deterministic observed ids, logged as such), so `handlerFor` is total
 * over the provider's groups and undefined only for kinds it does not serve at all.
 */
export interface LocalProvider {
  handlerFor(apiVersion: string, kind: string): ManagedResourceHandler | undefined;
  /** True when the kind is only recorded (no AWS model), for the log and the condition message. */
  isRecordOnly(apiVersion: string, kind: string): boolean;
}
