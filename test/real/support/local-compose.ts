/**
 * local/crossplane running the same scenario as the real Crossplane test: render the XR tree, feed
 * what a cluster would then hold back as observed resources (each MR as created, or as the
 * provider stand-in reports it, provider-reports.ts; each composed XR with its status) and render
 * again, until nothing changes. Each round is what one more reconcile of every XR sees.
 */
import {
  type CompositionSet,
  type KubeObject,
  type RenderedTree,
  renderTree,
} from '../../../local/crossplane/render/index.js';
import { byCompositionPath, withStandInName } from './composition-tree.js';
import { reported } from './provider-reports.js';

export interface LocalComposition {
  /** The tree as rendered in the last round: every composed object (XRs and MRs) by composition path. */
  composed: Map<string, KubeObject>;
  /** Each XR's status as its pipeline wrote it, by composition path ('' for the root). */
  statuses: Map<string, Record<string, unknown>>;
  rounds: number;
}

interface LocalOptions {
  compositions: CompositionSet;
  applyDefaults: (xr: KubeObject) => KubeObject;
  /**
   * The AWS account of the provider stand-in's reports; undefined: MRs are observed as created,
   * with no status (no provider has seen them yet).
   */
  account?: string;
  maxRounds?: number;
}

function statusesOf(root: KubeObject, tree: RenderedTree, composed: Map<string, KubeObject>) {
  const pathByName = new Map(
    [...composed].map(([path, object]) => [`${object.kind}/${object.metadata.name}`, path]),
  );
  const statuses = new Map<string, Record<string, unknown>>();
  for (const xr of tree.composites) {
    const path =
      xr.metadata.name === root.metadata.name ? '' : pathByName.get(`${xr.kind}/${xr.metadata.name}`);
    if (path !== undefined) statuses.set(path, xr.status ?? {});
  }
  return statuses;
}

export function composeLocally(root: KubeObject, options: LocalOptions): LocalComposition {
  const render = (xr: KubeObject, observed: KubeObject[]) => {
    const tree = renderTree(xr, { ...options, observed, recursive: true });
    const named = tree.resources.map(withStandInName);
    const composed = byCompositionPath(xr, named);
    return { composed, statuses: statusesOf(xr, tree, composed) };
  };
  const account = options.account;
  const observe = (path: string, mr: KubeObject) =>
    account === undefined ? mr : reported(path, mr, account);
  let current = render(root, []);
  let previous = '';
  for (let round = 2; round <= (options.maxRounds ?? 20); round++) {
    // What the next reconcile of each XR observes: the MRs, the composed XRs with their status.
    const observed = [...current.composed].map(([path, object]) =>
      options.compositions.isComposite(object)
        ? { ...object, status: current.statuses.get(path) ?? {} }
        : observe(path, object),
    );
    const xr = { ...root, status: { ...root.status, ...current.statuses.get('') } };
    const fingerprint = JSON.stringify([observed, xr.status]);
    if (fingerprint === previous) return { ...current, rounds: round - 1 };
    previous = fingerprint;
    current = render(xr, observed);
  }
  throw new Error(`local/crossplane did not settle in ${options.maxRounds ?? 20} rounds`);
}
