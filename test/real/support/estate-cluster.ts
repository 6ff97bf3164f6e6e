/**
 * The estate as it stands in a real apiserver while real Crossplane composes it: every XR and MR of
 * a namespace, whether Crossplane has caught up with all of them, and the provider stand-in's
 * writes (provider-reports.ts) applied the way provider-aws applies them (the external-name
 * annotation on the object, the rest through the status subresource).
 */
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { sleep } from '../../support/wait.js';
import { byCompositionPath } from './composition-tree.js';
import type { ApiClient } from './crds.js';
import type { Collection } from './crossplane-estate.js';
import { EXTERNAL_NAME, type ProviderReport, providerReport } from './provider-reports.js';

const MERGE_PATCH = 'application/merge-patch+json';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export const conditionOf = (object: KubeObject, type: string): Condition | undefined =>
  ((object.status?.conditions ?? []) as Condition[]).find((condition) => condition.type === type);

const objectPath = (object: KubeObject, plural: string) =>
  `/apis/${object.apiVersion}/namespaces/${object.metadata.namespace}/${plural}/${object.metadata.name}`;

/** A GET, retried while the apiserver answers 429 (a new CRD's watch cache is still initializing). */
async function listOnce(api: ApiClient, path: string) {
  for (let attempt = 0; ; attempt++) {
    const response = await api.request('GET', path);
    if (response.status !== 429 || attempt >= 30) return response;
    await sleep(500);
  }
}

export interface EstateSnapshot {
  root: KubeObject;
  /** Every composed object by composition path. */
  composed: Map<string, KubeObject>;
  /** The collection of each object, by kind. */
  pluralOf: Map<string, string>;
  /** Objects listed before their owner XR was (composed between two list calls). */
  unplaced: KubeObject[];
}

/** Lists every XR and MR of `namespace` and arranges them under the root XR. */
export async function snapshot(
  api: ApiClient,
  collections: Collection[],
  namespace: string,
  root: { kind: string; name: string },
): Promise<EstateSnapshot> {
  const objects: KubeObject[] = [];
  const pluralOf = new Map<string, string>();
  for (const { apiVersion, plural } of collections) {
    const response = await listOnce(api, `/apis/${apiVersion}/namespaces/${namespace}/${plural}`);
    if (response.status !== 200)
      throw new Error(
        `list ${apiVersion} ${plural}: HTTP ${response.status} ${JSON.stringify(response.body)}`,
      );
    for (const item of (response.body as { items: KubeObject[] }).items) {
      objects.push({ ...item, apiVersion, kind: item.kind });
      pluralOf.set(item.kind, plural);
    }
  }
  const rootObject = objects.find(
    (object) => object.kind === root.kind && object.metadata.name === root.name,
  );
  if (!rootObject) throw new Error(`${root.kind} ${namespace}/${root.name} not found`);
  const unplaced: KubeObject[] = [];
  return { root: rootObject, composed: byCompositionPath(rootObject, objects, unplaced), pluralOf, unplaced };
}

/** The XRs of a snapshot (root first, by composition path; '' is the root). */
export function composites(state: EstateSnapshot, isComposite: (object: KubeObject) => boolean) {
  return new Map<string, KubeObject>([
    ['', state.root],
    ...[...state.composed].filter(([, object]) => isComposite(object)),
  ]);
}

/**
 * True once Crossplane has reconciled the latest generation of every XR (its Synced condition
 * observed it) and every object an XR references in spec.crossplane.resourceRefs exists.
 */
export function caughtUp(state: EstateSnapshot, isComposite: (object: KubeObject) => boolean): boolean {
  if (state.unplaced.length) return false;
  const present = new Set(
    [state.root, ...state.composed.values()].map((object) => `${object.kind}/${object.metadata.name}`),
  );
  return [...composites(state, isComposite).values()].every((xr) => {
    const synced = conditionOf(xr, 'Synced');
    const refs = ((xr.spec?.crossplane as { resourceRefs?: { kind: string; name: string }[] } | undefined)
      ?.resourceRefs ?? []) as { kind: string; name: string }[];
    return (
      synced?.observedGeneration === (xr.metadata as { generation?: number }).generation &&
      refs.every((ref) => present.has(`${ref.kind}/${ref.name}`))
    );
  });
}

/**
 * Polls until `done(snapshot)` holds for two snapshots in a row (1 s apart) with nothing changed in
 * between; `step` runs on each snapshot first (e.g. to report new MRs) and says whether it wrote.
 */
export async function waitSettled(
  take: () => Promise<EstateSnapshot>,
  done: (state: EstateSnapshot) => boolean,
  options: { timeoutMs: number; step?: (state: EstateSnapshot) => Promise<boolean> },
): Promise<EstateSnapshot> {
  const deadline = Date.now() + options.timeoutMs;
  let previous = '';
  let last: EstateSnapshot | undefined;
  while (Date.now() < deadline) {
    const state = await take();
    last = state;
    const wrote = options.step ? await options.step(state) : false;
    const fingerprint = JSON.stringify(
      [state.root, ...state.composed.values()].map((object) => [
        object.kind,
        object.metadata.name,
        (object.metadata as { resourceVersion?: string }).resourceVersion,
      ]),
    );
    if (!wrote && done(state) && fingerprint === previous) return state;
    previous = wrote ? '' : fingerprint;
    await sleep(1_000);
  }
  const summary = last
    ? [...composites(last, () => true)].map(
        ([path, xr]) => `${path || 'root'}: ${JSON.stringify(xr.status?.conditions)}`,
      )
    : [];
  throw new Error(`the estate did not settle in ${options.timeoutMs} ms\n${summary.slice(0, 20).join('\n')}`);
}

/**
 * Plays provider-aws for every MR: writes the report for its current spec when it differs from the
 * last one written. The external name the stand-in set is not an input of the next report (the
 * provider's own annotation does not change what it reports). Returns whether anything was written.
 */
export class ProviderStandIn {
  private readonly written = new Map<string, string>();
  private readonly namesSet = new Map<string, string>();

  constructor(
    private readonly api: ApiClient,
    private readonly account: string,
  ) {}

  /** The MR as composed: without the external name this stand-in added. */
  asComposed(path: string, mr: KubeObject): KubeObject {
    const set = this.namesSet.get(path);
    if (!set || mr.metadata.annotations?.[EXTERNAL_NAME] !== set) return mr;
    const copy = structuredClone(mr);
    delete copy.metadata.annotations?.[EXTERNAL_NAME];
    return copy;
  }

  /** Reports the MRs `reportable` selects. */
  async report(state: EstateSnapshot, reportable: (object: KubeObject) => boolean): Promise<boolean> {
    let wrote = false;
    for (const [path, mr] of state.composed) {
      if (!reportable(mr)) continue;
      const report: ProviderReport = providerReport(path, this.asComposed(path, mr), this.account);
      const fingerprint = JSON.stringify(report);
      if (this.written.get(path) === fingerprint) continue;
      const plural = state.pluralOf.get(mr.kind) ?? '';
      const at = objectPath(mr, plural);
      if (report.externalName) {
        await this.patch(at, { metadata: { annotations: { [EXTERNAL_NAME]: report.externalName } } });
        this.namesSet.set(path, report.externalName);
      }
      await this.patch(`${at}/status`, { status: report.status });
      this.written.set(path, fingerprint);
      wrote = true;
    }
    return wrote;
  }

  private async patch(path: string, body: unknown) {
    const response = await this.api.request('PATCH', path, body, MERGE_PATCH);
    if (response.status !== 200)
      throw new Error(`PATCH ${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  }
}
