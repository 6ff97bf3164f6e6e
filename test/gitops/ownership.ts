/**
 * Who owns which field after a failover (docs/environments-repo.md "Who owns which field"): the
 * fields the controller's field manager owns on the Switchyard objects of a cluster, with their
 * values, and the AWS state it changed. The no-fight proofs record them after a failover, let GitOps
 * (the embedded syncer, or real Argo CD) do its work, and check nothing moved.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { FIELD_MANAGER as CONTROLLER_MANAGER } from '../../controllers/kube/resources.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { FIELD_MANAGER as SYNCER_MANAGER } from '../../local/gitops/argocd-names.js';
import type { Cluster } from '../../local/gitops/cluster.js';
import { decode, fromFieldsV1, sameValue, valueAt } from '../../local/kube/field-set.js';
import { GROUP, VERSION } from '../../src/apis/common.js';
import { customResources } from '../../src/apis/index.js';
import { REGION_PAIR } from '../../src/estate/common/parameters.js';
import { controllerWrittenKinds } from '../../src/gitops/argocd.js';
import { autoScalingClient } from '../aws/support.js';
import { groupIn, switchesOf, writerOf } from '../controller/estate.js';

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/** One field the controller's manager owns, and its value then. */
export interface OwnedField {
  object: string;
  path: string[];
  value: unknown;
}

export const objectId = (o: KubeObject) =>
  `${String(o.kind)} ${String(o.metadata.namespace)}/${String(o.metadata.name)}`;

interface ManagedEntry {
  manager?: string;
  fieldsV1?: unknown;
}
const entriesOf = (o: KubeObject, manager: string) =>
  ((o.metadata.managedFields ?? []) as ManagedEntry[]).filter((entry) => entry.manager === manager);
/** Leaf paths of a managedFields entry (`.` marks a set item's own presence, not a field). */
const pathsOf = (entry: ManagedEntry) =>
  [...fromFieldsV1(entry.fieldsV1)].map(decode).filter((path) => path[path.length - 1] !== '.');

/** Every object of the kinds the controller writes (ADR 0017 derives the ignoreDifferences from the same list). */
export async function controllerWritten(kube: Cluster): Promise<KubeObject[]> {
  const kinds = new Set(controllerWrittenKinds());
  const lists = await Promise.all(
    customResources
      .filter((resource) => kinds.has(resource.kind))
      .map((resource) =>
        kube.list({
          group: GROUP,
          version: VERSION,
          kind: resource.kind,
          name: resource.plural,
          namespaced: true,
          verbs: ['list'],
        }),
      ),
  );
  return lists.flat() as KubeObject[];
}

/** The fields the controller's manager owns across a cluster's Switchyard objects, with their values. */
export async function controllerFields(kube: Cluster): Promise<OwnedField[]> {
  return (await controllerWritten(kube)).flatMap((object) =>
    entriesOf(object, CONTROLLER_MANAGER)
      .flatMap(pathsOf)
      .map((path) => ({ object: objectId(object), path, value: valueAt(object, path) })),
  );
}

/**
 * Controller-owned fields whose value differs now, or that the GitOps field manager
 * (`argocd-controller`, Argo CD's and the stand-in's) now also owns.
 */
export async function fights(
  kube: Cluster,
  region: string,
  before: readonly OwnedField[],
): Promise<string[]> {
  const now = new Map((await controllerWritten(kube)).map((object) => [objectId(object), object]));
  return before.flatMap(({ object, path, value }) => {
    const live = now.get(object);
    const where = `${region} ${object} ${path.join('.')}`;
    if (!live) return [`${where}: the object is gone`];
    const problems: string[] = [];
    if (!sameValue(valueAt(live, path), value)) problems.push(`${where}: changed`);
    const syncerOwns = entriesOf(live, SYNCER_MANAGER)
      .flatMap(pathsOf)
      .some((owned) => JSON.stringify(owned) === JSON.stringify(path));
    if (syncerOwns) problems.push(`${where}: now owned by ${SYNCER_MANAGER}`);
    return problems;
  });
}

/** What the controller changed in AWS: the writer, each region's ASG capacity and switches. */
export async function awsState(sim: AwsSimulator) {
  const regions = await Promise.all(
    REGION_PAIR.map(async (region) => {
      const groups = await autoScalingClient(sim, region).send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupIn(region)] }),
      );
      return [
        region,
        {
          desiredCapacity: groups.AutoScalingGroups?.[0]?.DesiredCapacity,
          ...(await switchesOf(sim, region)),
        },
      ] as const;
    }),
  );
  return { writer: await writerOf(sim), regions: Object.fromEntries(regions) };
}
