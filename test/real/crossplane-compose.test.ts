/**
 * Real Crossplane core (v2.2.0) composing the shipped TradingPlatform on a full kube-apiserver,
 * with the real function-patch-and-transform and function-auto-ready over mTLS, our XRDs,
 * Compositions and package objects, and the provider-aws CRDs of every composed kind (no provider
 * runs). Against local/crossplane, the renderer `switchyard render` and the local platform use:
 *
 * 1. every object of the XR tree (names, kinds, labels, annotations, spec, owner, each XR's status)
 *    is what local/crossplane predicts, compared leaf field by leaf field;
 * 2. with every MR reported as provider-aws reports it (provider-reports.ts), the status of every
 *    XR is what local/crossplane computes for the same reports, and the TradingPlatform's status
 *    carries the very names the derived FailoverPlan (src/plan/derive.ts) gives the controller.
 *
 * 3. everything runs in one network namespace (netns.ts; the test reaches the apiserver through its
 *    bridge): Crossplane's metrics and health listeners, which bind every address, are absent from
 *    the host's socket table and refused from the host, and no process of the suite listens there.
 *
 * The counts (objects, fields, differences) and the timings are printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../local/crossplane/render/index.js';
import { RESOURCE_NAME_ANNOTATION } from '../../local/crossplane/render/objects.js';
import { loadCompositionSet, schemaDefaulter } from '../../src/cli/render.js';
import { derivePlan } from '../../src/plan/derive.js';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { type FetchedCrd, kindPlural, notFetchedReason } from '../../src/schema/fetched-crds.js';
import { examplesDir, isManaged } from '../support/estate.js';
import {
  compareFields,
  controllerOf,
  crossplaneChildName,
  type FieldComparison,
  sumComparisons,
} from './support/composition-tree.js';
import { expectEveryAddressListenerConfined, expectNoHostListener } from './support/confinement.js';
import { FUNCTION_METRICS_PORT } from './support/crank.js';
import { type RunningCrossplane, startCrossplane, startCrossplaneCore } from './support/crossplane.js';
import {
  type Collection,
  estateCollections,
  estateFunctions,
  installEstate,
} from './support/crossplane-estate.js';
import {
  caughtUp,
  composites,
  conditionOf,
  type EstateSnapshot,
  ProviderStandIn,
  snapshot,
  waitSettled,
} from './support/estate-cluster.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { type KubeApiserver, startKubeApiserver } from './support/kube-apiserver.js';
import { startedForFile, stopAll } from './support/lifecycle.js';
import { composeLocally, type LocalComposition } from './support/local-compose.js';
import {
  bindsEveryAddress,
  type NetworkNamespace,
  socketInodes,
  startNetworkNamespace,
} from './support/netns.js';

const catalog = SchemaCatalog.load();
const compositions = loadCompositionSet();
const applyDefaults = schemaDefaulter(catalog);
const isComposite = (object: KubeObject) => compositions.isComposite(object);

const platformXr = parse(readFileSync(join(examplesDir, 'trading-platform.yaml'), 'utf8')) as KubeObject;
const namespace = platformXr.metadata.namespace ?? '';
const root = { kind: platformXr.kind, name: platformXr.metadata.name ?? '' };
const { plan } = derivePlan(platformXr);
/** The account of the platform's ARNs, as the plan derives it. */
const account = plan.spec.database.members[0]?.clusterArn.split(':')[4] ?? '';

interface Platform {
  netns: NetworkNamespace;
  kas: KubeApiserver;
  crossplane: RunningCrossplane;
  /** Composed kinds whose provider CRD no source served (the autoscaling Policy on this proxy). */
  missing: FetchedCrd[];
  collections: Collection[];
}

const figures: Record<string, number | string> = {};
const platform = startedForFile<Platform>(
  async () => {
    const started: { stop(): Promise<void> }[] = [];
    try {
      let begin = Date.now();
      const netns = await startNetworkNamespace('crossplane');
      started.push(netns);
      figures['network namespace start ms'] = Date.now() - begin;
      begin = Date.now();
      const kas = await startKubeApiserver({ netns });
      started.push(kas);
      figures['kube-apiserver start ms'] = Date.now() - begin;
      const crossplane = await startCrossplane({
        apiserver: kas,
        netns,
        functions: estateFunctions(),
        circuitBreakerBurst: CIRCUIT_BREAKER_BURST,
      });
      started.push(crossplane);
      figures['crossplane start ms'] = crossplane.startMs;
      const installing = Date.now();
      const missing = await installEstate(kas);
      figures['estate install ms (CRDs, XRDs established, Compositions)'] = Date.now() - installing;
      return { netns, kas, crossplane, missing, collections: estateCollections() };
    } catch (error) {
      await stopAll(started);
      throw error;
    }
  },
  ({ netns, kas, crossplane }) => stopAll([netns, kas, crossplane]),
);
showLogsOnFailure(() => {
  const started = platform.peek();
  return started ? [started.kas.process, ...started.crossplane.processes()] : [];
});
afterAll(() => {
  console.log(`real Crossplane figures: ${JSON.stringify(figures)}`);
});

let appliedAt = 0;
let applying: Promise<void> | undefined;
/** Creates the namespace and the TradingPlatform once, for whichever test runs first. */
function applyPlatform(kas: KubeApiserver): Promise<void> {
  applying ??= (async () => {
    const created = await kas.request('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
    expect([201, 409]).toContain(created.status);
    appliedAt = Date.now();
    const xr = await kas.request(
      'POST',
      `/apis/${platformXr.apiVersion}/namespaces/${namespace}/tradingplatforms`,
      platformXr,
    );
    expect(xr.status, JSON.stringify(xr.body)).toBe(201);
  })();
  return applying;
}

const take =
  ({ kas, collections }: Platform) =>
  () =>
    snapshot(kas, collections, namespace, root);

/**
 * Fields of a composed XR's spec that Crossplane's XR reconciler writes on the XR itself when it
 * reconciles it (the Composition and revision it selected, and what it composed): not the output of
 * the parent's composition, so not predicted by a renderer.
 */
const RECONCILER_SPEC_FIELDS = ['compositionRef', 'compositionRevisionRef', 'resourceRefs'];

/**
 * The provider stand-in reports all ~170 MRs within seconds, where provider-aws takes minutes; so
 * many watch events at once would open Crossplane's per-XR circuit breaker (burst 100, then one
 * event every 30 s for 5 minutes) and stall the test. A larger burst keeps the breaker out of it.
 */
const CIRCUIT_BREAKER_BURST = 2_000;

/**
 * AWS provisions load balancers and target groups last (minutes, where the rest takes seconds), and
 * their reports are what makes Compute compose its scaling policy; the stand-in reports them in a
 * second phase, once every other report has reached the XRs.
 */
const reportedLast = (object: KubeObject) => object.kind === 'LB' || object.kind === 'LBTargetGroup';

/**
 * The XR reconciler creates spec.crossplane on every XR it reconciles (compositionRef), and the
 * apiserver then defaults the fields under it (compositionUpdatePolicy): the same on our side.
 */
function withCrossplaneObject(xr: KubeObject): KubeObject {
  return { ...xr, spec: { ...xr.spec, crossplane: { ...(xr.spec?.crossplane as object | undefined) } } };
}

function withoutReconcilerFields(spec: Record<string, unknown> | undefined) {
  const copy = structuredClone(spec ?? {});
  const crossplane = copy.crossplane as Record<string, unknown> | undefined;
  for (const field of RECONCILER_SPEC_FIELDS) delete crossplane?.[field];
  if (crossplane && !Object.keys(crossplane).length) delete copy.crossplane;
  return copy;
}

/** The metadata a composition decides, and the controller reference's kind. */
const composedMetadata = (object: KubeObject) => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  generateName: object.metadata.generateName,
  labels: object.metadata.labels,
  annotations: object.metadata.annotations,
  controller: { apiVersion: controllerOf(object)?.apiVersion, kind: controllerOf(object)?.kind },
});

/** An XR's status without condition timestamps and generations (set when Crossplane wrote them). */
function comparableStatus(xr: KubeObject | { status?: Record<string, unknown> } | undefined) {
  const { conditions, ...rest } = (xr?.status ?? {}) as Record<string, unknown>;
  const ready = (
    (conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[]
  ).find((condition) => condition.type === 'Ready');
  return { ...rest, ready: ready && { status: ready.status, reason: ready.reason, message: ready.message } };
}

interface TreeComparison extends FieldComparison {
  xrs: number;
  mrs: number;
}

/**
 * Every composed object of both trees, by composition path: presence, the composition's metadata,
 * the spec (ours with the schema defaults the apiserver applies), Crossplane's name for it; and
 * every XR's status. `real` objects are viewed through `asComposed` (the MR as Crossplane composed
 * it, before a provider annotated it).
 */
function compareTrees(
  ours: LocalComposition,
  real: EstateSnapshot,
  asComposed: (path: string, object: KubeObject) => KubeObject = (_, object) => object,
): TreeComparison {
  const parts: FieldComparison[] = [];
  const uid = (object: KubeObject | undefined) => object?.metadata.uid ?? '';
  const realXrs = composites(real, isComposite);
  const paths = [...new Set([...ours.composed.keys(), ...real.composed.keys()])].sort();
  for (const path of paths) {
    const mine = ours.composed.get(path);
    const live = real.composed.get(path);
    if (!mine || !live) {
      parts.push({
        compared: 1,
        differences: [`${path}: ours ${mine?.kind ?? 'absent'}, real ${live?.kind ?? 'absent'}`],
      });
      continue;
    }
    const theirs = asComposed(path, live);
    const expected = applyDefaults(isComposite(mine) ? withCrossplaneObject(mine) : mine);
    parts.push(compareFields(path, composedMetadata(mine), composedMetadata(theirs), 'metadata'));
    const spec = isComposite(mine)
      ? compareFields(path, expected.spec, withoutReconcilerFields(theirs.spec), 'spec')
      : compareFields(path, expected.spec, theirs.spec, 'spec');
    parts.push(spec);
    const owner = path.includes('/') ? realXrs.get(path.slice(0, path.lastIndexOf('/'))) : real.root;
    const name = crossplaneChildName(
      live.metadata.generateName ?? '',
      uid(owner),
      live.metadata.annotations?.[RESOURCE_NAME_ANNOTATION] ?? '',
    );
    parts.push(compareFields(path, name, live.metadata.name, 'metadata.name (Crossplane’s child name)'));
  }
  for (const [path, xr] of realXrs)
    parts.push(
      compareFields(
        path || 'root',
        comparableStatus({ status: ours.statuses.get(path) }),
        comparableStatus(xr),
        'status',
      ),
    );
  const objects = [...ours.composed.values()];
  return {
    ...sumComparisons(parts),
    xrs: objects.filter(isComposite).length + 1,
    mrs: objects.filter(isManaged).length,
  };
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/** Our composed resources whose kind has no CRD here: Crossplane cannot compose them. */
function notComposable(missing: FetchedCrd[]): [string, KubeObject][] {
  const everything = composeLocally(platformXr, { compositions, applyDefaults, account });
  return [...everything.composed].filter(([, object]) =>
    missing.some(
      (crd) => object.apiVersion.startsWith(`${crd.group}/`) && crd.plural === kindPlural(object.kind),
    ),
  );
}

const report = (label: string, result: TreeComparison) =>
  console.log(
    `real Crossplane ↔ local/crossplane, ${label}: ${result.xrs} XRs and ${result.mrs} MRs, ` +
      `${result.compared} fields compared, ${result.differences.length} differences`,
  );

describe('real Crossplane composes the shipped TradingPlatform as local/crossplane predicts', () => {
  it('each XR into the same XRs and MRs: names, kinds, labels, annotations, spec and status, field by field', async () => {
    const started = platform.get();
    await applyPlatform(started.kas);
    const state = await waitSettled(take(started), (s) => caughtUp(s, isComposite), { timeoutMs: 120_000 });
    figures['XR apply → composed and settled ms'] = Date.now() - appliedAt;

    const ours = composeLocally(platformXr, { compositions, applyDefaults });
    const result = compareTrees(ours, state);
    report('first composition', result);
    expect(result.mrs).toBeGreaterThan(100);
    expect(result.differences).toEqual([]);
    for (const [path, xr] of composites(state, isComposite))
      expect(conditionOf(xr, 'Synced'), path || 'root').toMatchObject({ status: 'True' });
  });

  it('MR status reported as provider-aws reports it reaches every XR status as local/crossplane says; the plan’s names are in it', async () => {
    const started = platform.get();
    await applyPlatform(started.kas);
    const blocked = notComposable(started.missing);
    if (blocked.length)
      console.log(
        `not composable here: ${blocked.map(([path]) => path).join(', ')} (${started.missing.map(notFetchedReason).join('; ')})`,
      );
    const provider = new ProviderStandIn(started.kas, account);
    await waitSettled(take(started), (s) => caughtUp(s, isComposite), {
      timeoutMs: 180_000,
      step: (s) => provider.report(s, (object) => isManaged(object) && !reportedLast(object)),
    });
    // With every kind composable the platform becomes Ready; an XR that cannot compose one of its
    // resources never is, and neither are the XRs above it.
    const rootReady = (s: EstateSnapshot) => conditionOf(s.root, 'Ready')?.status === 'True';
    const state = await waitSettled(
      take(started),
      (s) => caughtUp(s, isComposite) && (blocked.length > 0 || rootReady(s)),
      {
        timeoutMs: 180_000,
        step: (s) => provider.report(s, isManaged),
      },
    );
    figures[
      blocked.length
        ? 'XR apply → every report through, settled ms'
        : 'XR apply → Ready ms (every MR reported)'
    ] = Date.now() - appliedAt;

    const ours = composeLocally(platformXr, { compositions, applyDefaults, account });
    figures['local/crossplane rounds to settle'] = ours.rounds;
    const result = compareTrees(ours, state, (path, object) => provider.asComposed(path, object));
    report('every MR reported', result);
    if (result.differences.length)
      console.log(`explained differences:\n  ${result.differences.join('\n  ')}`);

    // Explained differences, each asserted: the resources of a kind without a CRD are missing, and
    // their XRs and the root are not Ready (for exactly that reason, below). Nothing else differs.
    const absent = blocked.map(([path, object]) => `${path}: ours ${object.kind}, real absent`);
    const unready = [...new Set(blocked.map(([path]) => parentOf(path)))];
    const explained = (line: string) =>
      absent.includes(line) ||
      (unready.length > 0 && [...unready, 'root'].some((path) => line.startsWith(`${path} status.ready.`)));
    expect(result.differences.filter((line) => !explained(line))).toEqual([]);
    expect(result.differences.filter((line) => absent.includes(line))).toEqual(absent);
    for (const [path, xr] of composites(state, isComposite)) {
      const synced = conditionOf(xr, 'Synced');
      if (!unready.includes(path)) expect(synced, path || 'root').toMatchObject({ status: 'True' });
      else {
        expect(synced, path).toMatchObject({
          status: 'False',
          message: expect.stringMatching(/no matches for kind "Policy"/),
        });
        expect(conditionOf(xr, 'Ready'), path).toMatchObject({ status: 'False', reason: 'Creating' });
      }
    }
    expect(conditionOf(state.root, 'Ready')).toMatchObject(
      unready.length
        ? { status: 'False', message: `Unready resources: ${unready.join(', ')}` }
        : { status: 'True', reason: 'Available' },
    );

    // What the controller is given (the derived plan) is what the estate reports.
    const status = state.root.status as {
      database: { globalClusterId: string; members: { region: string; clusterArn: string }[] };
      traffic: {
        gateAlarms: Record<string, string>;
        fenceAlarms: Record<string, string>;
        healthChecks: Record<string, { gate?: string; fence?: string }>;
      };
      compute: Record<string, { autoScalingGroupName: string }>;
    };
    expect(status.database.globalClusterId).toBe(plan.spec.database.globalClusterIdentifier);
    expect(status.database.members.map(({ region, clusterArn }) => ({ region, clusterArn }))).toEqual(
      plan.spec.database.members,
    );
    for (const gate of plan.spec.traffic.gates) {
      expect(status.traffic.gateAlarms[gate.region]).toBe(gate.alarmName);
      expect(status.traffic.fenceAlarms[gate.region]).toBe(gate.fenceAlarmName);
      expect(status.traffic.healthChecks[gate.region]?.gate).toMatch(/.+/);
    }
    for (const group of plan.spec.compute.autoScalingGroups)
      expect(status.compute[group.region]?.autoScalingGroupName).toBe(group.name);
  }, 360_000);
});

describe('nothing the suite starts listens outside its network namespace', () => {
  it('what binds every address (Crossplane’s metrics and health, the functions’ metrics) does so inside only: absent from the host’s socket table, refused from the host', async () => {
    const { netns, kas, crossplane } = platform.get();
    const ports = crossplane.ports;
    const everyAddress = netns.listeners().filter(bindsEveryAddress);
    expect(everyAddress.map((listener) => listener.port).sort()).toEqual(
      [ports.metrics, ports.health, FUNCTION_METRICS_PORT].sort(),
    );
    const core = { label: 'crossplane', pid: crossplane.process.pid };
    for (const port of [ports.metrics, ports.health])
      await expectEveryAddressListenerConfined(netns, core, port);
    // One namespace, one port 8080: the first function's metrics server binds it, the other's fails.
    const owners = crossplane.functions.filter((fn) =>
      everyAddress.some(
        (listener) =>
          listener.port === FUNCTION_METRICS_PORT && socketInodes(fn.process.pid).has(listener.inode),
      ),
    );
    expect(owners).toHaveLength(1);
    for (const fn of owners)
      await expectEveryAddressListenerConfined(
        netns,
        { label: fn.name, pid: fn.process.pid },
        FUNCTION_METRICS_PORT,
      );
    for (const child of [kas.process, ...crossplane.processes()])
      expectNoHostListener({ label: child.name, pid: child.pid });
  });
});

describe('bad input', () => {
  it('Crossplane without its client certificates fails to start, and says why in its log', async () => {
    const { netns, kas } = platform.get();
    const empty = mkdtempSync(join(tmpdir(), 'switchyard-crossplane-nocerts-'));
    try {
      await expect(
        startCrossplaneCore({
          netns,
          kubeconfig: kas.kubeconfig,
          tlsClientCertsDir: empty,
          cacheDir: join(empty, 'xpkg'),
        }),
      ).rejects.toThrow(
        /crossplane exited \(code \d+\) before it was ready[\s\S]*cannot load client TLS certificates/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
