/**
 * The GitOps syncers re-sync during and after a failover (a commit changes an annotation on the
 * TradingPlatform XR, the plan and the RegionHealths, so each syncer applies the revision and
 * Crossplane composes again): nothing Git declares asserts
 * the fields the controller owns at runtime (ARCHITECTURE §4: an Auto Scaling group's desired
 * capacity, which cluster of the global database writes), so 0 of them are reverted: AWS keeps what
 * the failover left, no call from anyone but the controllers changes them, and the plan's
 * currentRoles stay.
 */
import { parseAllDocuments, stringify } from 'yaml';
import type { OperationState } from '../../../local/gitops/operation.js';
import { byControllers, describeCalls, journalMark, journalSince } from '../journal.js';
import { type ChaosPlatform, failoverManifest, REGIONS } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { awayFromWriter, followFailover, writerRegion } from '../steps.js';

const ANNOTATION = 'chaos.switchyard.dev/resync';
/** Crossplane's provider observes every 5 s (cluster-setup.ts): two rounds and some. */
const OBSERVE_ROUNDS_MS = 12_000;
/** Calls that change what the controller owns at runtime. */
const RUNTIME_OWNED_WRITES = new Set([
  'SetDesiredCapacity',
  'UpdateAutoScalingGroup',
  'FailoverGlobalCluster',
  'SwitchoverGlobalCluster',
  'ModifyGlobalCluster',
  'RemoveFromGlobalCluster',
  'ModifyDBCluster',
]);

/** What the controller owns in AWS: each group's desired capacity, each member's role. */
function runtimeOwned(platform: ChaosPlatform): Record<string, string | number> {
  const owned: Record<string, string | number> = {};
  for (const group of platform.estate.plan.compute.autoScalingGroups)
    owned[`${group.name} desired`] =
      platform.aws.autoscaling.groups.in(group.region).get(group.name)?.desiredCapacity ?? -1;
  const global = platform.aws.rds.store.globalClusters.get(
    platform.estate.plan.database.globalClusterIdentifier,
  );
  for (const member of global?.members ?? [])
    owned[member.clusterArn] = member.isWriter ? 'writer' : 'reader';
  return owned;
}

/**
 * Pushes a commit changing an annotation on every object of the platform's folder in both clusters
 * (the XR where it lives, the plan, the RegionHealths).
 */
async function pushResync(run: ScenarioRun, round: number): Promise<string> {
  const { platform } = run;
  const commit = await platform.environments.commit(`chaos: re-sync ${round}`, (tree) => {
    for (const region of REGIONS) {
      const folder = `clusters/${region}/platforms/${platform.estate.platformId}`;
      for (const file of tree.list(folder)) {
        const objects = parseAllDocuments(tree.read(`${folder}/${file}`))
          .map(
            (document) => document.toJSON() as { metadata: { annotations?: Record<string, string> } } | null,
          )
          .filter((object) => object !== null);
        const documents = objects.map((object) => {
          object.metadata.annotations = { ...object.metadata.annotations, [ANNOTATION]: String(round) };
          return stringify(object);
        });
        tree.write(`${folder}/${file}`, documents.join('---\n'));
      }
    }
  });
  await run.event(`git push ${commit.slice(0, 12)}: re-sync ${round}`);
  return commit;
}

/** Until both syncers' operation on `commit` is in `phase`; returns it per region. */
async function operationsOn(run: ScenarioRun, commit: string, phases: readonly string[]) {
  const operations: OperationState[] = [];
  for (const region of REGIONS)
    operations.push(
      await run.waitFor(`the ${region} syncer's operation on ${commit.slice(0, 12)}`, 90_000, async () => {
        const status = run.platform.syncStatus(region);
        const operation = status?.operationState;
        return operation?.syncResult.revision === commit && phases.includes(operation.phase)
          ? operation
          : undefined;
      }),
    );
  return operations;
}

/** Pushes a re-sync and waits until both syncers applied it. */
export async function resync(run: ScenarioRun, round: number): Promise<void> {
  const commit = await pushResync(run, round);
  await operationsOn(run, commit, ['Succeeded']);
  await run.event(`both syncers applied re-sync ${round}`);
}

export const gitopsResync: Scenario = {
  name: 'gitops-resync',
  summary:
    'the syncers re-sync during and after a planned switchover: 0 reverts of controller-owned fields (desired capacities, the writer, the plan’s currentRoles)',
  async run(run: ScenarioRun) {
    const { platform } = run;
    const target = awayFromWriter(platform);
    const name = 'chaos-resync-switchover';
    // The switchover is applied once both syncers are applying the re-sync: the two overlap.
    const during = await pushResync(run, 1);
    await operationsOn(run, during, ['Running']);
    await platform.applyFailover(
      target,
      failoverManifest(platform.estate, name, 'Switchover', target, 'chaos: re-sync'),
    );
    await run.event(`kubectl apply Switchover ${name} → ${target} while both syncers apply re-sync 1`);
    const failover = await followFailover(run, target, name);
    run.require(failover.status?.phase === 'Succeeded', `${name} ended ${failover.status?.phase}`);
    const operations = await operationsOn(run, during, ['Succeeded']);
    await run.event('both syncers applied re-sync 1');
    const ran = {
      from: Date.parse(failover.status?.startedAt ?? ''),
      to: Date.parse(failover.status?.completedAt ?? ''),
    };
    const overlapping = operations.filter(
      (op) => Date.parse(op.startedAt) < ran.to && Date.parse(op.finishedAt ?? op.startedAt) > ran.from,
    );
    run.require(
      overlapping.length === REGIONS.length,
      'a syncer did not apply re-sync 1 while the switchover ran',
    );
    await run.settled(`writer and DNS in ${target}`);
    const before = runtimeOwned(platform);
    const mark = journalMark(platform);
    await resync(run, 2);
    await run.pause(OBSERVE_ROUNDS_MS);
    const after = runtimeOwned(platform);
    const reverted = Object.keys(before).filter((key) => before[key] !== after[key]);
    const since = journalSince(platform, mark);
    const controllers = new Set(byControllers(since));
    const byOthers = since.filter((e) => RUNTIME_OWNED_WRITES.has(e.operation) && !controllers.has(e));
    const observed = since.filter((e) => e.operation === 'DescribeAutoScalingGroups' && !controllers.has(e));
    run.note(
      `re-sync 1 applied by both syncers while the switchover ran; after re-sync 2: ${reverted.length} of ${Object.keys(before).length} runtime-owned values changed, writes to them by others ${byOthers.length}, the provider observed the groups ${observed.length} times meanwhile`,
    );
    run.require(
      reverted.length === 0,
      `reverted: ${reverted.map((k) => `${k} ${before[k]} → ${after[k]}`).join(', ')}`,
    );
    run.require(byOthers.length === 0, `runtime-owned writes by others: ${describeCalls(byOthers)}`);
    run.require(observed.length > 0, "Crossplane's provider never observed the groups after the re-sync");
    const roles = (await platform.observer.failoverPlan(target, platform.estate.planName)).status
      ?.currentRoles;
    run.require(roles?.primary === target, `the plan's currentRoles say ${roles?.primary}`);
    run.require(writerRegion(platform) === target, `the writer is ${writerRegion(platform)}`);
    await run.settled(`writer and DNS still in ${target}`);
  },
};
