import { isPlainObject } from '../../src/schema/openapi.js';

/**
 * What the REST strategies of a few built-in kinds do to an object besides defaulting
 * (pkg/registry/<group>/<resource>/strategy.go and the Service storage of k8s.io/kubernetes
 * v1.36.3): a Service gets its cluster IP allocated (and keeps it on updates that leave it out),
 * a Job its generated selector and labels, a Namespace the `kubernetes` finalizer.
 */

type Json = Record<string, unknown>;

export interface StrategyContext {
  /** A free cluster IP from the service range. */
  allocateClusterIP(): string;
}

const child = (object: Json, field: string): Json => {
  if (!isPlainObject(object[field])) object[field] = {};
  return object[field] as Json;
};

type Prepare = (object: Json, old: Json | undefined, context: StrategyContext) => void;

const STRATEGIES: Record<string, Prepare> = {
  '/Service': (service, old, context) => {
    const spec = child(service, 'spec');
    const oldSpec = old && isPlainObject(old.spec) ? old.spec : undefined;
    // An update that leaves the allocated values out keeps them (patchAllocatedValues).
    if (oldSpec && !spec.clusterIP && oldSpec.clusterIP) {
      spec.clusterIP = oldSpec.clusterIP;
      spec.clusterIPs = oldSpec.clusterIPs;
    }
    if (spec.type === 'ExternalName') return;
    if (!spec.clusterIP && !Array.isArray(spec.clusterIPs)) spec.clusterIP = context.allocateClusterIP();
    if (spec.clusterIP && !Array.isArray(spec.clusterIPs)) spec.clusterIPs = [spec.clusterIP];
    if (!spec.ipFamilies) spec.ipFamilies = [String(spec.clusterIP).includes(':') ? 'IPv6' : 'IPv4'];
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
  },
  'batch/Job': (job, old) => {
    if (old) return;
    const spec = child(job, 'spec');
    if (spec.manualSelector === true) return;
    const metadata = child(job, 'metadata');
    const uid = String(metadata.uid ?? '');
    const name = String(metadata.name ?? '');
    const template = child(child(spec, 'template'), 'metadata');
    template.labels = {
      ...(isPlainObject(template.labels) ? template.labels : {}),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  },
  // spec.finalizers belong to the namespace controller: set on create, kept on updates.
  '/Namespace': (namespace, old) => {
    const spec = child(namespace, 'spec');
    if (!old) {
      spec.finalizers = ['kubernetes'];
      return;
    }
    const finalizers = isPlainObject(old.spec) ? old.spec.finalizers : undefined;
    if (finalizers === undefined) delete spec.finalizers;
    else spec.finalizers = finalizers;
  },
};

/** Applies the kind's strategy to `object` in place (a defaulted copy owned by the caller). */
export function prepareBuiltin(
  group: string,
  kind: string,
  object: Json,
  old: Json | undefined,
  context: StrategyContext,
): void {
  STRATEGIES[`${group}/${kind}`]?.(object, old, context);
}
