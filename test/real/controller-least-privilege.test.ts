/**
 * Least privilege, both ways, on the full kube-apiserver's real RBAC authorizer (ADR 0019). The
 * controller runs as its ServiceAccount, bound by exactly the chart's rendered ClusterRole and
 * leader-election Role (src/chart, from controllers/kube/permissions.ts), through one scenario that
 * does everything it does in production: two controllers (us-east-1 probing as cluster-use1,
 * us-east-2 as cluster-use2), each electing a leader on its region's Lease, probing the four
 * RegionHealths, the standby writing plan readiness; us-east-1 goes down, the us-east-2 controller's
 * automatic trigger creates a Failover and runs it to Succeeded, with Events on the way.
 *
 * - Sufficient: with the chart's RBAC the scenario succeeds, the apiserver refused nothing, and
 *   every granted verb was used successfully (the audit log says so, request by request).
 * - Necessary: for each granted apiGroup/resource/verb triple, the same scenario with only that verb
 *   taken out of the rendered role fails with the Forbidden it causes: the apiserver's audit shows
 *   the 403 for exactly that verb and resource to the ServiceAccount, and the controller's log
 *   names it. The granularity is the triple, not the rule: a rule grants several verbs (failovers:
 *   get, list, watch, create, patch), and removing a whole rule would prove only that one of them is
 *   needed.
 *
 * One apiserver for the file, one namespace (and chart release) per case.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RunningController, startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { clusterIdIn, writerOf } from '../controller/estate.js';
import { regionHealthManifest } from '../controller/health-rounds.js';
import {
  type ControllerAccess,
  exampleIn,
  GROUP,
  type KubeSide,
  startSeededSimulator,
  testControllerOptions,
  VERSION,
} from '../controller/platform.js';
import { kubeSideForFile } from '../controller/scenarios/kube-side-for-file.js';
import { sleep, waitFor } from '../support/wait.js';
import { controllerRelease, grantedTriples, type RbacTriple, tripleName } from './support/controller-rbac.js';
import type { AuditEvent } from './support/kube-apiserver.js';

const VANTAGES = [
  { vantage: 'cluster-use1', region: 'us-east-1' },
  { vantage: 'cluster-use2', region: 'us-east-2' },
] as const;

/** What the chart grants, from the rendered roles (the namespace does not change the rules). */
const GRANTED = grantedTriples(controllerRelease('any').objects);

const platform = kubeSideForFile('real');

let sim: AwsSimulator | undefined;
let controllers: RunningController[] = [];
let cases = 0;
let namespace: string | undefined;

afterEach(async () => {
  for (const controller of controllers) await controller.stop();
  await sim?.close();
  // The next case's controllers watch every namespace: leave them no plan to trigger on and no
  // RegionHealth to probe (this case's simulator is gone). The namespace itself stays (without a
  // controller-manager its deletion never finishes).
  if (namespace)
    await platform
      .get()
      .ok(['delete', 'regionhealths,failoverplans', '--all', '-n', namespace, '--wait=false']);
  controllers = [];
  sim = undefined;
  namespace = undefined;
});

interface Scenario {
  side: KubeSide;
  ns: string;
  access: ControllerAccess;
  sim: AwsSimulator;
  /** Every log line of both controllers, each as the text of its fields. */
  log: string[];
}

/**
 * The chart's release in a fresh namespace (optionally without one verb), the example plan with
 * approval Never (an automatic failover past the RPO budget would otherwise wait for a person),
 * the four RegionHealths and both controllers as the ServiceAccount; us-east-1 down from the start.
 */
async function startScenario(without?: RbacTriple): Promise<Scenario> {
  const side = platform.get();
  const ns = `lp${++cases}`;
  namespace = ns;
  await side.createNamespace(ns);
  const access = await side.controllerAccess(ns, without ? { without } : {});
  await side.ok(
    ['apply', '-f', '-'],
    exampleIn('failover-plan.yaml', ns, (t) =>
      t.replace('approval: WhenLagExceedsBudget', 'approval: Never'),
    ),
  );
  const seeded = await startSeededSimulator();
  sim = seeded;
  seeded.faults.apply('region-down', ['us-east-1']);
  const manifests = VANTAGES.flatMap(({ vantage }) =>
    seeded.albs.map((alb) =>
      regionHealthManifest(ns, alb.region, vantage, `http://${alb.address}:${alb.port}`),
    ),
  );
  await side.ok(['apply', '-f', '-'], manifests.map((m) => stringify(m)).join('---\n'));
  const log: string[] = [];
  const keep = (line: string) => {
    const fields = JSON.parse(line) as Record<string, unknown>;
    log.push(
      Object.values(fields)
        .filter((v) => typeof v === 'string')
        .join(' '),
    );
  };
  for (const { vantage, region } of VANTAGES) {
    controllers.push(
      await startController({
        ...testControllerOptions(access, seeded),
        region,
        vantage,
        identity: `controller-${vantage}`,
        readinessIntervalMs: 200,
        leaderElection: {
          namespace: ns,
          name: `switchyard-controller-${region}`,
          leaseDurationSeconds: 2,
          retryPeriodMs: 100,
        },
        logger: pino({ level: 'info' }, { write: keep }),
      }),
    );
  }
  return { side, ns, access, sim: seeded, log };
}

const sameTriple = (event: AuditEvent, triple: RbacTriple) => {
  const ref = event.objectRef ?? {};
  const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
  return (
    event.verb === triple.verb && (ref.apiGroup ?? '') === triple.apiGroup && resource === triple.resource
  );
};

/** The audit events of the ServiceAccount's requests in this scenario (its user names the namespace). */
const auditOf = ({ side, access }: Scenario) =>
  side.auditEvents().filter((e) => e.user.username === access.username);

/** A Failover of the scenario's namespace, once the automatic trigger created one and it Succeeded. */
async function automaticFailoverSucceeded({ side, ns }: Scenario) {
  return waitFor(
    async () => {
      const list = (await side.api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: ns,
        plural: 'failovers',
      })) as {
        items: { metadata: { name: string; labels?: Record<string, string> }; status?: { phase?: string } }[];
      };
      const [failover] = list.items;
      return failover?.status?.phase === 'Succeeded' && failover;
    },
    'the automatic Failover to succeed',
    60_000,
  );
}

/**
 * What the controller logs when RBAC refuses the triple: the apiserver's Forbidden message, which
 * names the user, verb and resource; a refused watch reaches client-node's informer as the status
 * text only, so there the log names the informer.
 */
function forbiddenInLog(triple: RbacTriple, username: string): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  if (triple.verb === 'watch')
    return new RegExp(`informer ${literal(triple.resource)} stopped \\(Forbidden\\)`);
  return new RegExp(
    `forbidden: User "${literal(username)}" cannot ${triple.verb} resource "${literal(triple.resource)}" in API group "${literal(triple.apiGroup)}"`,
  );
}

describe("the controller's RBAC from the chart", () => {
  it('is sufficient: the automatic failover succeeds, nothing is refused, and every granted verb is used', async () => {
    const scenario = await startScenario();
    const failover = await automaticFailoverSucceeded(scenario);
    expect(failover.metadata.labels).toMatchObject({ 'failover.switchyard.dev/trigger': 'automatic' });
    expect(await writerOf(scenario.sim)).toBe(clusterIdIn('us-east-2'));
    // Let the readiness reconcile and the elections go on while the Failover's last Events land.
    await sleep(500);
    for (const controller of controllers) await controller.stop();
    controllers = [];
    const audit = auditOf(scenario);
    expect(
      audit.filter((e) => e.responseStatus?.code === 403).map((e) => JSON.stringify(e.objectRef)),
    ).toEqual([]);
    const unused = GRANTED.filter(
      (triple) =>
        !audit.some(
          (e) =>
            sameTriple(e, triple) &&
            (e.responseStatus?.code ?? 0) >= 200 &&
            (e.responseStatus?.code ?? 0) < 300,
        ),
    );
    expect(unused.map(tripleName)).toEqual([]);
    expect(scenario.log.filter((line) => /forbidden/i.test(line))).toEqual([]);
  });

  it.each(GRANTED.map((triple) => [tripleName(triple), triple] as const))(
    'is necessary: without %s the controller is refused with the Forbidden it causes',
    async (_name, triple) => {
      const scenario = await startScenario(triple);
      const username = scenario.access.username ?? '';
      const inLog = forbiddenInLog(triple, username);
      const refused = await waitFor(
        async () => {
          const denied = auditOf(scenario).find(
            (e) => sameTriple(e, triple) && e.responseStatus?.code === 403,
          );
          const line = scenario.log.find((l) => inLog.test(l));
          if (denied && line) return { denied, line };
          await sleep(100);
          return undefined;
        },
        `a 403 for ${tripleName(triple)} in the audit log and ${inLog} in the controller's log (its refusals: ${
          scenario.log
            .filter((l) => /forbidden/i.test(l))
            .slice(0, 3)
            .join(' | ') || 'none'
        })`,
        45_000,
      );
      expect(refused.denied.annotations?.['authorization.k8s.io/decision']).toBe('forbid');
      expect(refused.line).toMatch(inLog);
    },
  );
});
