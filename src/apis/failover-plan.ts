/**
 * FailoverPlan: the long-lived description of how one two-region application fails over
 * (ARCHITECTURE §3): its regions, Aurora global database, traffic gates, compute to scale and the
 * automatic policy. Its status says which region is primary now and whether a failover could run.
 */
import { z } from 'zod';
import { celRule, listMap, listSet, withRules } from '../schema/x-kubernetes.js';
import {
  awsRegion,
  conditions,
  durationMilliseconds,
  GROUP,
  goDuration,
  label,
  objectName,
  observedGeneration,
  timestamp,
  VERSION,
} from './common.js';
import { ageColumn, defineCustomResource, type ResourceInputOf, type ResourceOf } from './define.js';

const regions = withRules(
  z
    .strictObject({
      primary: awsRegion().describe('The region that serves writes in normal operation, e.g. us-east-1.'),
      standby: awsRegion().describe('The warm standby region that takes over, e.g. us-east-2.'),
    })
    .describe('The two regions of the plan. Which one is primary *now* is in status.currentRoles.'),
  [
    celRule({
      rule: 'self.primary != self.standby',
      message: 'primary and standby must be different regions',
      fieldPath: '.standby',
      check: (self) => self.primary !== self.standby,
    }),
  ],
);

const databaseMember = z.strictObject({
  region: awsRegion().describe('Region of this member cluster.'),
  clusterArn: z
    .string()
    .max(2048)
    .regex(
      /^arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:cluster:[A-Za-z][A-Za-z0-9-]*$/,
      'must be an RDS cluster ARN (arn:aws:rds:<region>:<account>:cluster:<name>)',
    )
    .describe('ARN of the Aurora DB cluster that is a member of the global cluster in this region.'),
});

const database = z
  .strictObject({
    globalClusterIdentifier: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must start with a letter and contain only letters, digits and "-"')
      .describe('Identifier of the Aurora global database.'),
    members: listMap(databaseMember, ['region'], { minItems: 2, maxItems: 2 }).describe(
      'The member cluster of each plan region.',
    ),
  })
  .describe('The Aurora global database the plan promotes.');

const alarmName = () => z.string().min(1).max(255);

const gate = z.strictObject({
  region: awsRegion().describe('The region whose traffic this gate controls.'),
  alarmName: alarmName().describe(
    "The region's gate: a CloudWatch alarm *in this region* that Route 53 reads; in ALARM it drains the region and it keeps its state without data, so a drained region stays drained with every controller gone. The controller publishes to the metric the alarm watches.",
  ),
  fenceAlarmName: alarmName().describe(
    "The region's fence: a CloudWatch alarm in the *other* region that Route 53 also reads; in ALARM it drains this region, and it lapses within one period unless the controller there renews it. It lets the survivor drain a region it cannot reach, and cannot outlive the region that set it.",
  ),
});

/** A DNS name as Route 53 lists it, without the trailing dot. */
const dnsName = () =>
  z
    .string()
    .max(253)
    .regex(
      /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/,
      'must be a lowercase DNS name without the trailing dot',
    );

/** CEL and TypeScript: `name` is the zone's apex or a name below it. */
const inZoneCel = (name: string) => `${name} == self.zoneName || ${name}.endsWith('.' + self.zoneName)`;
const inZone = (name: string, zoneName: string) => name === zoneName || name.endsWith(`.${zoneName}`);

const regionalRecord = z.strictObject({
  region: awsRegion(),
  recordName: dnsName().describe(
    "A name that answers with this region alone, whatever the gates say (an alias to the region's ALB).",
  ),
});

const dns = withRules(
  z
    .strictObject({
      zoneName: dnsName().describe('The public hosted zone holding the records, e.g. trading.example.com.'),
      recordName: dnsName().describe(
        "The name clients resolve: its failover records are PRIMARY for regions.primary and SECONDARY for regions.standby, each carrying that region's health check.",
      ),
      regionalRecords: listMap(regionalRecord, ['region'], { minItems: 2, maxItems: 2 }).describe(
        "Each plan region's own name: what Route 53 answers for it tells which region an answer of recordName belongs to.",
      ),
    })
    .describe(
      'The DNS the gates steer, named as the estate creates it (zone and record ids are AWS-generated: the controller looks them up). Read only, by the best-effort verify-dns step; the controller never writes Route 53.',
    ),
  [
    celRule({
      rule: inZoneCel('self.recordName'),
      message: 'recordName must be zoneName or a name below it',
      fieldPath: '.recordName',
      check: (self) => inZone(self.recordName, self.zoneName),
    }),
    celRule({
      rule: `self.regionalRecords.all(r, ${inZoneCel('r.recordName')})`,
      message: 'every regionalRecords[].recordName must be zoneName or a name below it',
      fieldPath: '.regionalRecords',
      check: (self) => self.regionalRecords.every((r) => inZone(r.recordName, self.zoneName)),
    }),
  ],
);

const traffic = z
  .strictObject({
    gates: listMap(gate, ['region'], { minItems: 2, maxItems: 2 }).describe(
      'One gate and fence per plan region.',
    ),
    dns: dns.optional(),
  })
  .describe(
    'Traffic switches (ADR 0010): CloudWatch alarms that Route 53 health checks read, so the survivor moves traffic with PutMetricData in its own region and never writes Route 53.',
  );

const autoScalingGroup = z.strictObject({
  region: awsRegion(),
  name: z.string().min(1).max(255).describe('Auto Scaling group name.'),
});

const compute = z
  .strictObject({
    autoScalingGroups: listMap(autoScalingGroup, ['region', 'name'], { maxItems: 32 }).describe(
      'Auto Scaling groups of both regions; the target region is scaled up, the old primary down (best effort).',
    ),
    standbyDesiredCapacity: z
      .int32()
      .min(0)
      .max(10_000)
      .describe("Desired capacity each of the target region's groups is scaled to during a failover."),
  })
  .describe('Compute the failover scales.');

const failureWindow = withRules(
  z
    .strictObject({
      failing: z.int32().min(1).max(100).describe('N: how many of the last M probe rounds must fail.'),
      outOf: z.int32().min(1).max(100).describe('M: how many recent probe rounds are considered.'),
    })
    .describe('N-of-M window over probe rounds.'),
  [
    celRule({
      rule: 'self.failing <= self.outOf',
      message: 'failing (N) must not exceed outOf (M)',
      fieldPath: '.failing',
      check: (self) => self.failing <= self.outOf,
    }),
  ],
);

const automatic = withRules(
  z
    .strictObject({
      enabled: z.boolean().default(false).describe('Whether the controller may create a Failover by itself.'),
      signals: listSet(label(), { maxItems: 16 })
        .optional()
        .describe('RegionHealth signal names that count towards an automatic failover.'),
      signalPolicy: z
        .enum(['All', 'Any'])
        .default('All')
        .describe(
          'How the signals combine on one vantage: All (default) counts the primary as failing there only when every listed signal fails in N of the last M rounds (each judged over the same window), and a vantage that does not probe one of them cannot vote; Any counts it failing when one signal does, and ignores signals the vantage does not probe. All is the default because a promotion is one-way and may lose writes not yet replicated, and one failing signal alone, such as the ALB, usually means an app-tier problem that promoting the database does not fix. Choose Any only when each listed signal on its own means the region is gone.',
        ),
      window: failureWindow,
      minimumVantagePoints: z
        .int32()
        .min(2)
        .max(16)
        .default(2)
        .describe('How many vantage points must agree the primary is down (at least 2).'),
      cooldown: goDuration()
        .default('30m')
        .describe('Minimum time between two automatic failovers, e.g. 30m.'),
      rpoBudgetSeconds: z
        .int32()
        .min(0)
        .max(86_400)
        .describe('Replication lag, in seconds, the business accepts losing in an unplanned failover.'),
      approval: z
        .enum(['Never', 'WhenLagExceedsBudget', 'Always'])
        .default('WhenLagExceedsBudget')
        .describe('When an automatic failover waits for a person to approve it.'),
    })
    .describe('When the controller fails over on its own.'),
  [
    celRule({
      rule: '!self.enabled || (has(self.signals) && size(self.signals) > 0)',
      message: 'an enabled automatic policy needs at least one signal',
      fieldPath: '.signals',
      check: (self) => !self.enabled || (self.signals?.length ?? 0) > 0,
    }),
    celRule({
      rule: "duration(self.cooldown) >= duration('1m')",
      message: 'cooldown must be at least 1m',
      fieldPath: '.cooldown',
      check: (self) => (durationMilliseconds(self.cooldown) ?? Number.POSITIVE_INFINITY) >= 60_000,
    }),
  ],
);

/** Every per-region list must name exactly the plan's two regions (list-map keys make them unique). */
const inPlanRegions = (list: string) =>
  `self.${list}.all(x, x.region == self.regions.primary || x.region == self.regions.standby)`;

export const failoverPlanSpec = withRules(
  z
    .strictObject({
      regions,
      database,
      traffic,
      compute,
      automatic,
    })
    .describe('How this application fails over between its two regions.'),
  [
    celRule({
      rule: inPlanRegions('database.members'),
      message: 'database.members must name the plan regions (primary and standby)',
      fieldPath: '.database.members',
      check: (self) => self.database.members.every((m) => isPlanRegion(self, m.region)),
    }),
    celRule({
      rule: inPlanRegions('traffic.gates'),
      message: 'traffic.gates must name the plan regions (primary and standby)',
      fieldPath: '.traffic.gates',
      check: (self) => self.traffic.gates.every((g) => isPlanRegion(self, g.region)),
    }),
    celRule({
      rule: `!has(self.traffic.dns) || ${inPlanRegions('traffic.dns.regionalRecords')}`,
      message: 'traffic.dns.regionalRecords must name the plan regions (primary and standby)',
      fieldPath: '.traffic.dns.regionalRecords',
      check: (self) => (self.traffic.dns?.regionalRecords ?? []).every((r) => isPlanRegion(self, r.region)),
    }),
    celRule({
      rule: inPlanRegions('compute.autoScalingGroups'),
      message: 'compute.autoScalingGroups may only name the plan regions',
      fieldPath: '.compute.autoScalingGroups',
      check: (self) => self.compute.autoScalingGroups.every((g) => isPlanRegion(self, g.region)),
    }),
  ],
);

function isPlanRegion(spec: { regions: { primary: string; standby: string } }, region: string): boolean {
  return region === spec.regions.primary || region === spec.regions.standby;
}

export const failoverPlanStatus = z
  .strictObject({
    observedGeneration: observedGeneration().optional(),
    currentRoles: z
      .strictObject({
        primary: awsRegion().describe('Region whose Aurora cluster is the writer now.'),
        standby: awsRegion(),
        observedAt: timestamp(),
      })
      .optional()
      .describe('Runtime roles as observed in AWS (never stored in Git).'),
    conditions: conditions()
      .optional()
      .describe(
        "Written by the controller in the current standby region. Readiness: EngineVersionsMatch, StandbyHasInstances, StandbyEndpointHealthy, LagWithinBudget, and Ready (True only when all four are True). Traffic (ADR 0010): PrimaryServing (its gate open, no fence on it) and StandbyDrained (by its own gate, or only by a fence the gate keeper still has to replace), each naming both regions' gate and fence states.",
      ),
    lastExecution: z
      .strictObject({
        name: objectName().describe('The Failover object.'),
        type: z.enum(['Switchover', 'Failover']),
        phase: z.string().max(32),
        completedAt: timestamp().optional(),
      })
      .optional()
      .describe('The most recent Failover run against this plan.'),
  })
  .describe('Observed state of the plan, written by the controller.');

export const FailoverPlanResource = defineCustomResource({
  group: GROUP,
  version: VERSION,
  kind: 'FailoverPlan',
  plural: 'failoverplans',
  shortNames: ['fplan'],
  description:
    'How one application fails over between two AWS regions: database, traffic gates, compute, policy.',
  printerColumns: [
    { name: 'Primary', type: 'string', jsonPath: '.status.currentRoles.primary' },
    { name: 'Standby', type: 'string', jsonPath: '.status.currentRoles.standby' },
    { name: 'Automatic', type: 'boolean', jsonPath: '.spec.automatic.enabled' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    ageColumn,
  ],
  spec: failoverPlanSpec,
  status: failoverPlanStatus,
});

export type FailoverPlan = ResourceOf<typeof failoverPlanSpec, typeof failoverPlanStatus>;
export type FailoverPlanInput = ResourceInputOf<typeof failoverPlanSpec, typeof failoverPlanStatus>;
export type FailoverPlanSpec = z.output<typeof failoverPlanSpec>;
export type FailoverPlanStatus = z.output<typeof failoverPlanStatus>;
