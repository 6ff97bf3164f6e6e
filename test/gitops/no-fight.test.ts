/**
 * GitOps and the controller never fight (ARCHITECTURE §4, docs/environments-repo.md "Who owns
 * which field"). Over the wire: `publish` of the example TradingPlatform into a bare repository,
 * both regions' management clusters (emulators) synced from their folders by the stand-in syncer
 * with the Argo CD health Lua, the AWS simulator seeded for the derived plan, the controllers run
 * against the FailoverPlan that came from Git and a Switchover to us-east-2 run to Succeeded. Then
 * everything the controller set is recorded (the fields its field manager owns on the plan, the
 * Failover and the RegionHealths; the writer, the ASGs' desired capacity, the gate and fence alarm
 * states), publish runs again (no commit: the plan is derived, not runtime state), both clusters
 * get a full sync operation and a self-heal pass, and none of it may have moved.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RunningController, startController } from '../../controllers/controller.js';
import { FIELD_MANAGER as CONTROLLER_MANAGER } from '../../controllers/kube/resources.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { FIELD_MANAGER as SYNCER_MANAGER } from '../../local/gitops/argocd-names.js';
import { Cluster } from '../../local/gitops/cluster.js';
import { compare } from '../../local/gitops/compare.js';
import { Syncer } from '../../local/gitops/index.js';
import { type DesiredState, readCommit } from '../../local/gitops/manifests.js';
import { runOperation } from '../../local/gitops/operation.js';
import { GitRepo } from '../../local/gitops/repo.js';
import { GROUP, VERSION } from '../../src/apis/common.js';
import { FailoverPlanResource } from '../../src/apis/index.js';
import { luaHealthChecks } from '../../src/cli/gitops-health.js';
import { REGION_PAIR } from '../../src/estate/common/parameters.js';
import { publish } from '../../src/gitops/publish.js';
import { projectRoot } from '../../src/schema/paths.js';
import { clusterIdIn, examplePlan, mutatingCalls } from '../controller/estate.js';
import { exampleIn, startSeededSimulator, testControllerOptions } from '../controller/platform.js';
import { waitFor } from '../support/wait.js';
import { type ManagementCluster, startManagementCluster } from './management-cluster.js';
import {
  awsState,
  controllerFields,
  controllerWritten,
  fights,
  type KubeObject,
  type OwnedField,
  objectId,
} from './ownership.js';

const BRANCH = 'main';
const NAMESPACE = examplePlan.metadata.namespace ?? 'trading';
const SWITCHOVER = 'failover-switchover.yaml';

interface Site {
  cluster: ManagementCluster;
  syncer: Syncer;
  kube: Cluster;
}

async function desiredOf(repo: string, region: string): Promise<DesiredState> {
  const git = new GitRepo(repo);
  const reading = await readCommit(git, await git.head(BRANCH), { region }, BRANCH);
  if (!reading.ok) throw new Error(`the published commit is refused: ${JSON.stringify(reading.problems)}`);
  return reading.desired;
}

/** A sync operation over every resource, as `argocd app sync` runs one also when Synced. */
async function fullSync(site: Site, desired: DesiredState) {
  const comparison = await compare({ cluster: site.kube, desired, checks: luaHealthChecks(undefined) });
  const operation = await runOperation(
    {
      cluster: site.kube,
      rules: desired.application,
      checks: luaHealthChecks(undefined),
      revision: desired.revision,
      prune: true,
      waveDelayMs: 0,
      pollMs: 50,
      log: pino({ level: 'silent' }),
    },
    comparison.resources,
  );
  return operation;
}

describe('GitOps and the controller never fight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-no-fight-'));
  const remote = join(dir, 'environments.git');
  const sites = new Map<string, Site>();
  const controllers: RunningController[] = [];
  let sim: AwsSimulator;
  let firstCommit: string;

  const site = (region: string) => {
    const found = sites.get(region);
    if (!found) throw new Error(`no cluster for ${region}`);
    return found;
  };

  beforeAll(async () => {
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', BRANCH, remote]);
    const outcome = await publish({
      root: projectRoot(),
      inputs: [join(projectRoot(), 'examples/estate')],
      remote,
      branch: BRANCH,
    });
    firstCommit = outcome.commit;
    for (const region of REGION_PAIR) {
      const cluster = await startManagementCluster(region);
      const syncer = new Syncer({
        repo: remote,
        branch: BRANCH,
        selector: { region },
        kubeconfig: cluster.kubeconfig,
        stateDir: join(dir, region),
        log: pino({ level: 'silent' }),
        health: luaHealthChecks,
        waveDelayMs: 0,
        pollMs: 50,
      });
      sites.set(region, { cluster, syncer, kube: Cluster.fromKubeconfig(cluster.kubeconfig) });
    }
    sim = await startSeededSimulator();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(controllers.map((controller) => controller.stop()));
    await sim?.close();
    for (const { cluster } of sites.values()) await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs both clusters from their folders, the derived plan among them', async () => {
    for (const region of REGION_PAIR) {
      const status = await site(region).syncer.reconcile('manual');
      expect(site(region).cluster.failure()).toBeUndefined();
      expect({ sync: status.sync.status, operation: status.operationState?.phase }, region).toEqual({
        sync: 'Synced',
        operation: 'Succeeded',
      });
      const plan = await site(region).kube.get(`${GROUP}/${VERSION}`, {
        group: GROUP,
        kind: FailoverPlanResource.kind,
        namespace: NAMESPACE,
        name: String(examplePlan.metadata.name),
      });
      // The simulator is seeded for the generated example plan: it must be the plan Git delivered.
      expect(plan?.spec, region).toEqual(examplePlan.spec);
    }
  });

  it('a Switchover run by the controllers from the synced plan changes nothing GitOps then reverts', async () => {
    for (const region of REGION_PAIR) {
      const options = testControllerOptions(site(region).cluster, sim);
      // One controller per region's cluster, as the published Deployment runs it (no leader election: one copy each).
      controllers.push(await startController({ ...options, region }));
    }
    const east2 = site('us-east-2').cluster.kube;
    const failover = parse(exampleIn(SWITCHOVER, NAMESPACE)) as KubeObject;
    const created = await east2.request(
      'POST',
      `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/failovers?fieldManager=kubectl-create`,
      failover,
    );
    expect(created.status, created.text).toBe(201);
    await waitFor(
      async () => {
        const response = await east2.request(
          'GET',
          `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/failovers/${String(failover.metadata.name)}`,
        );
        return (response.body as { status?: { phase?: string } }).status?.phase === 'Succeeded';
      },
      'the Switchover to succeed',
      30_000,
    );
    // The controllers stop, so whatever moves from here on was moved by GitOps.
    await Promise.all(controllers.splice(0).map((controller) => controller.stop()));

    const aws = await awsState(sim);
    expect(aws.writer).toBe(clusterIdIn('us-east-2'));
    const owned = new Map<string, OwnedField[]>();
    for (const region of REGION_PAIR) owned.set(region, await controllerFields(site(region).kube));
    // The run wrote the plan's and the Failover's status under the controller's manager.
    expect(new Set([...owned.values()].flat().map((field) => field.object.split(' ')[0]))).toEqual(
      new Set(['FailoverPlan', 'Failover']),
    );
    const calls = mutatingCalls(sim).length;

    const again = await publish({
      root: projectRoot(),
      inputs: [join(projectRoot(), 'examples/estate')],
      remote,
      branch: BRANCH,
    });
    expect({ changed: again.changed, commit: again.commit }).toEqual({ changed: false, commit: firstCommit });

    for (const region of REGION_PAIR) {
      const desired = await desiredOf(remote, region);
      const before = await compare({
        cluster: site(region).kube,
        desired,
        checks: luaHealthChecks(undefined),
      });
      expect(
        before.resources.filter((r) => r.status !== 'Synced').map((r) => r.key),
        region,
      ).toEqual([]);
      const operation = await fullSync(site(region), desired);
      expect(operation.phase, operation.message).toBe('Succeeded');
      const healed = await site(region).syncer.reconcile('automated');
      expect(healed.sync.status, region).toBe('Synced');
      expect(await fights(site(region).kube, region, owned.get(region) ?? []), region).toEqual([]);
    }
    expect(await awsState(sim)).toEqual(aws);
    expect(mutatingCalls(sim).length).toBe(calls);
  }, 60_000);

  /**
   * The negative control: the controller takes over a field Git also sets (a label of a synced
   * RegionHealth, under its field manager). With the published Application the diff ignores it and
   * a sync keeps the controller's value; with the managedFieldsManagers rule removed the diff reports
   * the object OutOfSync and the sync reverts it, and the check above names the fight.
   */
  it('catches the fight when the Application’s managedFieldsManagers rule is removed', async () => {
    const east1 = site('us-east-1');
    const desired = await desiredOf(remote, 'us-east-1');
    const [target] = (await controllerWritten(east1.kube)).filter((object) => object.kind === 'RegionHealth');
    if (!target) throw new Error('no RegionHealth was synced');
    const [label] = Object.keys((target.metadata.labels ?? {}) as Record<string, string>);
    if (!label) throw new Error(`${objectId(target)} has no label from Git`);
    const applied = await east1.cluster.kube.request(
      'PATCH',
      `/apis/${GROUP}/${VERSION}/namespaces/${String(target.metadata.namespace)}/regionhealths/${String(target.metadata.name)}?fieldManager=${CONTROLLER_MANAGER}&force=true`,
      {
        apiVersion: target.apiVersion,
        kind: target.kind,
        metadata: {
          name: target.metadata.name,
          namespace: target.metadata.namespace,
          labels: { [label]: 'set-by-the-controller' },
        },
      },
      { contentType: 'application/apply-patch+yaml' },
    );
    expect(applied.status, applied.text).toBe(200);
    const owned = (await controllerFields(east1.kube)).filter((field) => field.object === objectId(target));
    expect(owned.map((field) => field.value)).toEqual(['set-by-the-controller']);
    const statusOf = async (rules: DesiredState) =>
      (
        await compare({ cluster: east1.kube, desired: rules, checks: luaHealthChecks(undefined) })
      ).resources.find(
        (resource) => resource.key.name === target.metadata.name && resource.key.kind === target.kind,
      )?.status;

    expect(await statusOf(desired)).toBe('Synced');
    expect((await fullSync(east1, desired)).phase).toBe('Succeeded');
    expect(
      (await controllerFields(east1.kube)).find((field) => field.object === objectId(target))?.value,
    ).toBe('set-by-the-controller');

    const withoutRule: DesiredState = {
      ...desired,
      application: { ...desired.application, ignoreDifferences: [] },
    };
    expect(await statusOf(withoutRule)).toBe('OutOfSync');
    expect((await fullSync(east1, withoutRule)).phase).toBe('Succeeded');
    const path = owned[0]?.path.join('.');
    expect(await fights(east1.kube, 'us-east-1', owned)).toEqual([
      `us-east-1 ${objectId(target)} ${path}: changed`,
      `us-east-1 ${objectId(target)} ${path}: now owned by ${SYNCER_MANAGER}`,
    ]);
  }, 30_000);
});
