/**
 * No run abandoned, none doubled (issue 13, items 4 and 5), over the wire for two Kubernetes
 * targets like failover-wire.suite.ts: deleting a Failover at every step boundary of both step
 * lists is a cancel (undo) before the one-way step and a finished run after it; a status written by
 * someone else mid-run is refused by CEL or makes the controller read again, never halts the run; a
 * deposed leader and the new one send the promotion once; two `npm run controller` for one region
 * elect one actor by default. The AWS simulator's journal says what reached AWS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CoordinationV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RunningController, startController } from '../../../controllers/controller.js';
import { EXECUTION_FINALIZER } from '../../../controllers/failover/deletion.js';
import type { Step } from '../../../controllers/failover/model.js';
import { stepsFor } from '../../../controllers/failover/step-lists.js';
import type { AwsSimulator } from '../../../local/aws/index.js';
import { FailoverPlanResource, FailoverResource } from '../../../src/apis/index.js';
import { autoScalingClient, cloudWatchClient } from '../../aws/support.js';
import { celRulesOf } from '../../real/support/crds.js';
import { describeResult } from '../../support/command.js';
import { waitFor } from '../../support/wait.js';
import { clusterIdIn, groupIn, mutatingCalls, writerOf } from '../estate.js';
import { HoldingProxy } from '../holding-proxy.js';
import { KubeHoldingProxy, startsStep } from '../kube-holding-proxy.js';
import {
  exampleIn,
  examples,
  getFailover,
  getPlanStatus,
  type KubeSide,
  type KubeTargetName,
  repoRoot,
  startSeededSimulator,
  testControllerOptions,
  waitForFailover,
} from '../platform.js';
import { eventsAbout } from './failover-wire.suite.js';
import { kubeSideForFile } from './kube-side-for-file.js';

const readExample = (file: string) => parse(readFileSync(join(examples, file), 'utf8')) as unknown;
const plan = FailoverPlanResource.parse(readExample('failover-plan.yaml'));
const LISTS = [
  { file: 'failover-switchover.yaml', label: 'planned' },
  { file: 'failover-unplanned.yaml', label: 'unplanned' },
].map(({ file, label }) => {
  const failover = FailoverResource.parse(readExample(file));
  return { file, label, name: String(failover.metadata.name), steps: stepsFor(failover.spec, plan.spec) };
});

/**
 * Every boundary of a step list: before each step (its Running write held) and after the last
 * (the Succeeded write held). Derived from the step list, so it follows changes to it.
 */
const BOUNDARIES = LISTS.flatMap((list) => {
  const firstAction = list.steps.findIndex((s) => s.kind === 'action');
  const oneWay = list.steps.findIndex((s) => s.oneWay);
  return [...list.steps.map((s) => s.name), undefined].map((before, index) => ({
    ...list,
    before,
    boundary: before ? `before ${before}` : 'after the last step',
    /** Nothing acted yet: no finalizer, the object goes at once. */
    untouched: index < firstAction,
    /** Acted, but the one-way step has not started: a cancel with undo. */
    cancels: index >= firstAction && index <= oneWay,
    /** Undo steps of the actions done before this boundary, newest first. */
    undo: list.steps
      .slice(0, index)
      .filter((s) => s.undo)
      .reverse()
      .flatMap((s: Step) => (s.undo ?? []).map((u) => u.name)),
  }));
});

/** Alarms (gate or fence) about us-east-1 that are in ALARM, in both regions: none = it serves. */
async function alarmsDrainingUse1(sim: AwsSimulator): Promise<string[]> {
  const names: string[] = [];
  for (const region of ['us-east-1', 'us-east-2']) {
    const out = await cloudWatchClient(sim, region).send(new DescribeAlarmsCommand({}));
    for (const alarm of out.MetricAlarms ?? [])
      if (alarm.AlarmName?.includes('us-east-1') && alarm.StateValue === 'ALARM') names.push(alarm.AlarmName);
  }
  return names;
}

async function desiredCapacity(sim: AwsSimulator, region: string, group: string) {
  const out = await autoScalingClient(sim, region).send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
  );
  return out.AutoScalingGroups?.[0]?.DesiredCapacity;
}

const gone = (side: KubeSide, ns: string, name: string) =>
  waitFor(
    async () => {
      const result = await side.kubectl.run(['get', 'failover', name, '-n', ns]);
      return /NotFound/.test(result.stderr);
    },
    `Failover ${name} to be gone`,
    20_000,
  );

export function defineFailoverSafetySuite(target: KubeTargetName): void {
  const platform = kubeSideForFile(target);

  let sim: AwsSimulator | undefined;
  let controllers: RunningController[] = [];
  let proxies: { close(): Promise<void> }[] = [];
  let children: ChildProcess[] = [];
  let namespaceCount = 0;

  afterEach(async () => {
    for (const child of children) await killed(child);
    for (const controller of controllers) await controller.stop();
    await platform.get().retireFailovers();
    for (const proxy of proxies) await proxy.close();
    await sim?.close();
    children = [];
    controllers = [];
    proxies = [];
    sim = undefined;
  });

  async function setUp() {
    const side = platform.get();
    const ns = `safe${++namespaceCount}`;
    await side.createNamespace(ns);
    await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
    const access = await side.controllerAccess(ns);
    sim = await startSeededSimulator();
    const kube = await KubeHoldingProxy.start(side.serverUrl);
    proxies.push(kube);
    return { side, ns, sim, kube, access };
  }

  describe('deleting a Failover is a cancel, never an abandonment', () => {
    it.each(BOUNDARIES)('$label, deleted $boundary', async (boundary) => {
      const { side, ns, sim, kube, access } = await setUp();
      const controller = await startController({
        ...testControllerOptions(access, sim),
        kubeConfig: kube.kubeConfigFor(access.kubeconfig),
      });
      controllers.push(controller);
      sim.journal.clear();
      const { name } = boundary;
      const held = kube.holdNext(startsStep(name, boundary.before));
      await side.ok(['apply', '-f', '-'], exampleIn(boundary.file, ns));
      const release = await held;
      const before = await getFailover(side, ns, name);
      const finalizers = (before.metadata as { finalizers?: string[] }).finalizers ?? [];
      expect(finalizers.includes(EXECUTION_FINALIZER)).toBe(!boundary.untouched);
      await side.ok(['delete', 'failover', name, '-n', ns, '--wait=false']);
      release();
      await gone(side, ns, name);

      const planStatus = await getPlanStatus(side, ns);
      if (boundary.untouched) {
        expect(mutatingCalls(sim)).toEqual([]);
        expect(planStatus?.lastExecution).toBeUndefined();
        expect(await writerOf(sim)).toBe(clusterIdIn('us-east-1'));
        return;
      }
      const phase = boundary.cancels ? 'Cancelled' : 'Succeeded';
      expect(planStatus?.lastExecution).toMatchObject({ name, phase, completedAt: expect.any(String) });
      const sent = (operation: string) => sim.journal.list({ operation, outcome: 'ok' }).length;
      if (boundary.cancels) {
        // The old primary still writes and serves: nothing about it drained, capacity back.
        expect(await writerOf(sim)).toBe(clusterIdIn('us-east-1'));
        expect(sent('FailoverGlobalCluster') + sent('SwitchoverGlobalCluster')).toBe(0);
        await waitFor(async () => (await alarmsDrainingUse1(sim)).length === 0, 'us-east-1 to serve', 10_000);
        expect(await desiredCapacity(sim, 'us-east-1', groupIn('us-east-1'))).toBe(
          plan.spec.compute.standbyDesiredCapacity,
        );
        expect(planStatus?.currentRoles).toBeUndefined();
      } else {
        expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
        expect(sent('FailoverGlobalCluster') + sent('SwitchoverGlobalCluster')).toBe(1);
        expect(planStatus?.currentRoles).toMatchObject({ primary: 'us-east-2', standby: 'us-east-1' });
      }
      const outcome = boundary.cancels
        ? `cancelled, ${boundary.undo.length ? `undone: ${boundary.undo.join(', ')}` : 'nothing to undo'}`
        : 'finished the run: Succeeded';
      const messages = await waitFor(async () => {
        const found = (await eventsAbout(side, ns, 'trading'))
          .filter((e) => e.reason === 'ExecutionDeleted')
          .map((e) => e.message);
        return found.length > 0 && found;
      }, 'the plan Event');
      expect(messages).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Failover ${name} deleted (during step \\S+|as its run finished): ${outcome.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
          ),
        ),
      ]);
    });
  });

  describe('status written by anyone else', () => {
    it('phase Succeeded or Failed patched mid-run is refused with the CEL message; another write makes the controller read again; the run completes, one switchover', async () => {
      const { side, ns, sim, kube, access } = await setUp();
      controllers.push(
        await startController({
          ...testControllerOptions(access, sim),
          kubeConfig: kube.kubeConfigFor(access.kubeconfig),
        }),
      );
      const list = LISTS[0];
      if (!list) throw new Error('no planned list');
      const oneWay = list.steps.find((s) => s.oneWay)?.name;
      const held = kube.holdNext(startsStep(list.name, oneWay));
      await side.ok(['apply', '-f', '-'], exampleIn(list.file, ns));
      const release = await held;

      const rules = celRulesOf(join(repoRoot, 'charts/switchyard/crds'), 'Failover');
      const messageOf = (fragment: string) => {
        const message = rules.find((r) => r.rule.includes(fragment))?.message;
        if (!message) throw new Error(`the Failover CRD has no rule with ${fragment}`);
        return message;
      };
      const patchStatus = (status: object) =>
        side.kubectl.run([
          'patch',
          'failover',
          list.name,
          '-n',
          ns,
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify({ status }),
        ]);
      const succeeded = await patchStatus({ phase: 'Succeeded' });
      expect(succeeded.code, describeResult(succeeded)).not.toBe(0);
      expect(succeeded.stderr).toContain(messageOf("['Succeeded', 'Cancelled']"));
      const failed = await patchStatus({ phase: 'Failed' });
      expect(failed.code, describeResult(failed)).not.toBe(0);
      expect(failed.stderr).toContain(messageOf("self.phase != 'Failed'"));
      // Allowed (it ends or skips nothing), but it moves the resourceVersion under the held write.
      const tampered = await patchStatus({ currentStep: 'tampered' });
      expect(tampered.code, describeResult(tampered)).toBe(0);
      release();

      const done = await waitForFailover(
        side,
        ns,
        list.name,
        (f) => f.status?.phase === 'Succeeded',
        'Succeeded after tampering',
      );
      expect(done.status?.journal?.every((e) => e.state === 'Succeeded' || e.state === 'Skipped')).toBe(true);
      expect(sim.journal.list({ operation: 'SwitchoverGlobalCluster', outcome: 'ok' })).toHaveLength(1);
      expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
      const finished = await patchStatus({ phase: 'Failed' });
      expect(finished.stderr).toContain(messageOf('oldSelf.phase in'));
    });
  });

  describe('one actor per region', () => {
    it('a leader deposed while its promotion is held, and the new leader: FailoverGlobalCluster reaches AWS once', async () => {
      const { side, ns, sim, access } = await setUp();
      const aws = await HoldingProxy.start(sim.url);
      proxies.push(aws);
      const deposedLog: string[] = [];
      const replica = (identity: string, logLines?: string[]) =>
        startController({
          ...testControllerOptions(access, sim, aws.url),
          identity,
          leaderElection: { namespace: ns, leaseDurationSeconds: 30, retryPeriodMs: 50 },
          ...(logLines
            ? {
                logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
              }
            : {}),
        });
      const first = await replica('replica-a', deposedLog);
      controllers.push(first);
      await waitFor(() => first.isLeader(), 'replica-a to lead', 5_000);
      const holding = aws.holdNext('FailoverGlobalCluster');
      await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns));
      const held = await holding;

      // Depose replica-a: the Lease now names replica-b, freshly renewed.
      const config = new KubeConfig();
      config.loadFromFile(side.kubeconfig);
      const leases = config.makeApiClient(CoordinationV1Api);
      // replica-a keeps renewing (every 50 ms), so a replace can lose the race: read again and retry.
      await waitFor(
        async () => {
          const lease = await leases.readNamespacedLease({ namespace: ns, name: 'switchyard-controller' });
          try {
            await leases.replaceNamespacedLease({
              namespace: ns,
              name: 'switchyard-controller',
              body: {
                ...lease,
                spec: { ...lease.spec, holderIdentity: 'replica-b', renewTime: new V1MicroTime() },
              },
            });
            return true;
          } catch (error) {
            if ((error as { code?: number }).code === 409) return false;
            throw error;
          }
        },
        'the Lease to name replica-b',
        5_000,
      );
      await waitFor(() => !first.isLeader(), 'replica-a to step down', 5_000);
      const second = await replica('replica-b');
      controllers.push(second);
      await waitFor(() => second.isLeader(), 'replica-b to lead', 5_000);
      // replica-b takes the promote step over (its AWS calls are reset while the old call is held).
      await waitForFailover(
        side,
        ns,
        'trading-failover-use1-outage',
        (f) => (f.status?.journal?.find((e) => e.name === 'promote')?.attempts ?? 0) >= 2,
        'replica-b to retry promote',
      );
      await held.release();
      aws.unblock();

      const failover = await waitForFailover(
        side,
        ns,
        'trading-failover-use1-outage',
        (f) => f.status?.phase === 'Succeeded',
        'Succeeded by replica-b',
        20_000,
      );
      expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toHaveLength(1);
      expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
      expect(failover.status?.journal?.find((e) => e.name === 'promote')?.message).toMatch(
        /not sent again|already the writer|in progress/,
      );
      // replica-a's write after its held call carried the resourceVersion it had read: refused.
      await waitFor(
        () => deposedLog.some((line) => line.includes('the Failover changed since it was read')),
        'replica-a to have its stale write refused',
        5_000,
      );
    });

    it('two `npm run controller` for one region, leader election on by default: one holds the Lease and acts', async () => {
      const { side, ns, sim, access } = await setUp();
      const outputs: string[] = [];
      const spawnController = (index: number) => {
        outputs[index] = '';
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            join(repoRoot, 'controllers/main.ts'),
            '--kubeconfig',
            access.kubeconfig,
            '--region',
            'us-east-2',
            '--aws-endpoint',
            sim.url,
            '--poll-interval-ms',
            '50',
            '--readiness-interval-ms',
            '0',
            // The gate keeper would close the standby's never-published gate: a mutating call.
            '--gate-keeper-interval-ms',
            '0',
          ],
          {
            cwd: repoRoot,
            stdio: ['ignore', 'pipe', 'ignore'],
            // As the chart's downward API would; no election flag at all.
            env: {
              ...process.env,
              POD_NAMESPACE: ns,
              AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            },
          },
        );
        child.stdout?.on('data', (chunk: Buffer) => {
          outputs[index] += chunk.toString('utf8');
        });
        children.push(child);
      };
      spawnController(0);
      spawnController(1);
      const config = new KubeConfig();
      config.loadFromFile(side.kubeconfig);
      const leases = config.makeApiClient(CoordinationV1Api);
      const readLease = () =>
        leases.readNamespacedLease({ namespace: ns, name: 'switchyard-controller-us-east-2' });
      const holder = await waitFor(
        async () => (await readLease().catch(() => undefined))?.spec?.holderIdentity || undefined,
        'a Lease holder',
        30_000,
      );
      // Read-only (the child cannot read the fast simulator's lag): it acts on Kubernetes only.
      await side.ok(['apply', '-f', '-'], exampleIn('failover-dry-run.yaml', ns));
      const drill = await waitForFailover(
        side,
        ns,
        'trading-failover-drill',
        (f) => f.status?.phase === 'Succeeded',
        'the dry run done',
        30_000,
      );
      expect(drill.status?.journal?.[0]).toMatchObject({ name: 'preflight', attempts: 1 });
      expect(mutatingCalls(sim)).toEqual([]);
      const lease = await readLease();
      expect(lease.spec).toMatchObject({ holderIdentity: holder });
      expect(lease.spec?.leaseTransitions ?? 0).toBe(0);
      // Exactly one process ever led; the other only campaigned.
      expect(outputs.filter((out) => out.includes('became leader'))).toHaveLength(1);
    }, 60_000);
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
