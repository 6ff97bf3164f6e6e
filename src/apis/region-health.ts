/**
 * RegionHealth: what one vantage point sees of one region (ARCHITECTURE §3). The spec says which
 * probes to run; the controller's probes write the status. The automatic trigger only acts when
 * enough vantage points (FailoverPlan.spec.automatic.minimumVantagePoints) agree.
 */
import { z } from 'zod';
import { celRule, listMap, withRules } from '../schema/x-kubernetes.js';
import {
  awsRegion,
  conditions,
  durationMilliseconds,
  GROUP,
  goDuration,
  label,
  observedGeneration,
  text,
  timestamp,
  VERSION,
} from './common.js';
import { ageColumn, defineCustomResource, type ResourceInputOf, type ResourceOf } from './define.js';

export const probeTypes = ['HTTP', 'TCP', 'CloudWatchAlarm', 'AuroraWriter'] as const;

const httpProbe = z.strictObject({
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/[^\s/?#]+([/?#][^\s]*)?$/, 'must be an http:// or https:// URL')
    .describe('Endpoint to GET, e.g. https://api.us-east-1.example.com/healthz.'),
  expectedStatus: z.int32().min(100).max(599).default(200).describe('HTTP status that counts as healthy.'),
});

const tcpProbe = z.strictObject({
  host: z.string().min(1).max(253).describe('Host name or IP address.'),
  port: z.int32().min(1).max(65_535),
});

const cloudWatchAlarmProbe = z.strictObject({
  alarmName: z.string().min(1).max(255).describe('Alarm in the probed region; ALARM counts as unhealthy.'),
});

const auroraWriterProbe = z.strictObject({
  clusterArn: z
    .string()
    .max(2048)
    .regex(
      /^arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:cluster:[A-Za-z][A-Za-z0-9-]*$/,
      'must be an RDS cluster ARN',
    )
    .describe('Cluster whose writer endpoint must accept a connection.'),
});

/** The CEL and the TypeScript check below must say the same thing: the member named by type is the only one set. */
const probeMembers = {
  HTTP: 'http',
  TCP: 'tcp',
  CloudWatchAlarm: 'cloudWatchAlarm',
  AuroraWriter: 'auroraWriter',
} as const;

const probe = withRules(
  z.strictObject({
    name: label().describe('Signal name this probe reports under (status.signals[].name).'),
    type: z.enum(probeTypes),
    http: httpProbe.optional(),
    tcp: tcpProbe.optional(),
    cloudWatchAlarm: cloudWatchAlarmProbe.optional(),
    auroraWriter: auroraWriterProbe.optional(),
    interval: goDuration().default('10s').describe('Time between probes.'),
    timeout: goDuration().default('5s').describe('Time a probe may take; shorter than interval.'),
    failureThreshold: z
      .int32()
      .min(1)
      .max(10)
      .default(3)
      .describe('Consecutive failures before the signal turns unhealthy.'),
  }),
  [
    celRule({
      rule: Object.entries(probeMembers)
        .map(([type, member]) => `(self.type == '${type}') == has(self.${member})`)
        .join(' && '),
      message: 'set exactly the probe settings named by type (http, tcp, cloudWatchAlarm or auroraWriter)',
      check: (self) =>
        Object.entries(probeMembers).every(
          ([type, member]) => (self.type === type) === (self[member] !== undefined),
        ),
    }),
    celRule({
      rule: 'duration(self.timeout) < duration(self.interval)',
      message: 'timeout must be shorter than interval',
      fieldPath: '.timeout',
      check: (self) => {
        const timeout = durationMilliseconds(self.timeout);
        const interval = durationMilliseconds(self.interval);
        return timeout === undefined || interval === undefined || timeout < interval;
      },
    }),
  ],
);

export const regionHealthSpec = z
  .strictObject({
    region: awsRegion().describe('The region being probed.'),
    vantage: label().describe('Where the probes run from, e.g. the cluster in us-east-2.'),
    probes: listMap(probe, ['name'], { minItems: 1, maxItems: 16 }),
  })
  .describe('What this vantage point probes in the region.');

const signal = z.strictObject({
  name: label(),
  healthy: z.boolean(),
  message: text().optional(),
  lastTransitionTime: timestamp().describe('When healthy last changed.'),
  lastProbeTime: timestamp().describe('When the probe last ran.'),
  consecutiveFailures: z
    .int32()
    .min(0)
    .optional()
    .describe(
      'Probes failed in a row up to lastProbeTime (0 after a success). The automatic trigger counts these raw results in its window, which is its hysteresis; failureThreshold only delays `healthy`, for people and dashboards.',
    ),
});

export const regionHealthStatus = z
  .strictObject({
    observedGeneration: observedGeneration().optional(),
    healthy: z.boolean().optional().describe('All signals healthy.'),
    signals: listMap(signal, ['name'], { maxItems: 16 }).optional(),
    conditions: conditions().optional(),
  })
  .describe('Probe results, written by the controller.');

export const RegionHealthResource = defineCustomResource({
  group: GROUP,
  version: VERSION,
  kind: 'RegionHealth',
  plural: 'regionhealths',
  shortNames: ['rh'],
  description:
    'Health of one region as seen from one vantage point; the automatic failover trigger reads it.',
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.region' },
    { name: 'Vantage', type: 'string', jsonPath: '.spec.vantage' },
    { name: 'Healthy', type: 'boolean', jsonPath: '.status.healthy' },
    ageColumn,
  ],
  spec: regionHealthSpec,
  status: regionHealthStatus,
});

export type RegionHealth = ResourceOf<typeof regionHealthSpec, typeof regionHealthStatus>;
export type RegionHealthInput = ResourceInputOf<typeof regionHealthSpec, typeof regionHealthStatus>;
export type RegionHealthSpec = z.output<typeof regionHealthSpec>;
export type RegionHealthStatus = z.output<typeof regionHealthStatus>;
