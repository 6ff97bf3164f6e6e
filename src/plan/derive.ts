/**
 * The FailoverPlan and the RegionHealth objects of a TradingPlatform, derived from its XR alone
 * (docs/adr/0011-derived-plan.md): every name the controller acts on is a deterministic external
 * name the estate's compositions build from the same functions (src/estate/common/names.ts,
 * src/estate/traffic/gate.ts), so the plan can be reviewed in Git before anything exists.
 */
import { GROUP, VERSION } from '../apis/common.js';
import { type FailoverPlanInput, FailoverPlanResource } from '../apis/failover-plan.js';
import { type RegionHealthInput, RegionHealthResource } from '../apis/region-health.js';
import { appName, clusterIdentifier, regionalHostName } from '../estate/common/names.js';
import {
  PAIR_PRIMARY,
  type PairRegion,
  PLATFORM_LABEL,
  peerOf,
  REGION_PAIR,
} from '../estate/common/parameters.js';
import { DEFAULT_MAX_SIZE } from '../estate/compute/definition.js';
import { switchAlarmName } from '../estate/traffic/gate.js';
import {
  checkVantages,
  planNamespace,
  platformAccountId,
  readTradingPlatform,
  type TradingPlatformSpec,
} from './platform.js';
import { DEFAULT_VANTAGES, regionHealthObjects, SIGNALS } from './region-health.js';

export interface PlanOptions {
  /** The 12-digit account of the ARNs; default (and it must agree): the account of spec.certificateArns. */
  accountId?: string;
  /** Namespace of every object; default the XR's metadata.namespace. */
  namespace?: string;
  /** Where probes run from; default each region's own cluster (cluster-use1, cluster-use2). */
  vantages?: readonly string[];
}

export interface DerivedPlan {
  plan: FailoverPlanInput;
  regionHealths: RegionHealthInput[];
}

/**
 * The automatic policy is the operator's choice, not a fact of the estate: these are the values
 * the project ships, over the signals the derived probes report.
 */
const AUTOMATIC_POLICY = {
  enabled: true,
  signals: [SIGNALS.alb, SIGNALS.auroraWriter],
  // Written out although it is the CRD's default, so the plan reviewed in Git says that an ALB
  // failing alone (an app-tier problem) never promotes the database: both signals must fail.
  signalPolicy: 'All',
  window: { failing: 3, outOf: 5 },
  minimumVantagePoints: 2,
  cooldown: '30m',
  rpoBudgetSeconds: 5,
  approval: 'WhenLagExceedsBudget',
} as const;

/** Aurora member clusters are in the `aws` partition: the estate's pair is us-east-1/us-east-2. */
export const rdsClusterArn = (accountId: string, region: PairRegion, identifier: string) =>
  `arn:aws:rds:${region}:${accountId}:cluster:${identifier}`;

/**
 * The DNS TrafficRouting creates, by name: the failover records are named spec.domainName in the
 * zone spec.zoneName, and each region's own record `<region>.<domainName>`. Zone and health check
 * ids are AWS-generated, so the controller looks them up by these names (verify-dns).
 */
export function trafficDns(spec: Pick<TradingPlatformSpec, 'zoneName' | 'domainName'>) {
  return {
    zoneName: spec.zoneName,
    recordName: spec.domainName,
    regionalRecords: REGION_PAIR.map((region) => ({
      region,
      recordName: regionalHostName(spec.domainName, region),
    })),
  };
}

/** Throws PlanInputError (field and reason) on input the plan cannot be derived from. */
export function derivePlan(xrObject: unknown, options: PlanOptions = {}): DerivedPlan {
  const xr = readTradingPlatform(xrObject);
  const { spec } = xr;
  const accountId = platformAccountId(spec, options.accountId);
  const namespace = planNamespace(xr, options.namespace);
  const vantages = checkVantages(options.vantages ?? DEFAULT_VANTAGES);
  const clusterArn = (region: PairRegion) =>
    rdsClusterArn(accountId, region, clusterIdentifier(spec.globalClusterIdentifier, region));

  const plan: FailoverPlanInput = {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'FailoverPlan',
    metadata: { name: spec.platformId, namespace, labels: { [PLATFORM_LABEL]: spec.platformId } },
    spec: {
      // The estate's PRIMARY failover records and its only gate open before any controller acts.
      regions: { primary: PAIR_PRIMARY, standby: peerOf(PAIR_PRIMARY) },
      database: {
        globalClusterIdentifier: spec.globalClusterIdentifier,
        members: REGION_PAIR.map((region) => ({ region, clusterArn: clusterArn(region) })),
      },
      traffic: {
        gates: REGION_PAIR.map((region) => ({
          region,
          alarmName: switchAlarmName('gate', spec.platformId, region),
          fenceAlarmName: switchAlarmName('fence', spec.platformId, region),
        })),
        dns: trafficDns(spec),
      },
      compute: {
        autoScalingGroups: REGION_PAIR.map((region) => ({ region, name: appName(spec.platformId, region) })),
        // The region taking over carries the whole load: its group's ceiling.
        standbyDesiredCapacity: DEFAULT_MAX_SIZE,
      },
      automatic: { ...AUTOMATIC_POLICY, signals: [...AUTOMATIC_POLICY.signals] },
    },
  };
  const regionHealths = regionHealthObjects(spec, namespace, vantages, clusterArn);
  // What we derive must be what the CRDs accept; a failure here is a bug in the derivation.
  FailoverPlanResource.parse(plan);
  for (const health of regionHealths) RegionHealthResource.parse(health);
  return { plan, regionHealths };
}
