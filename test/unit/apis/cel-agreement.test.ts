/**
 * Every CEL rule in our CRDs, run two ways on the same objects: by a CEL interpreter over the
 * generated CRD (as the apiserver would, after defaulting) and by the zod schema. Both must accept
 * the valid objects and refuse each invalid one with the same message at the same path.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  DATA_LOSS_CONSENT_MESSAGE,
  FailoverPlanResource,
  FailoverResource,
  RegionHealthResource,
} from '../../../src/apis/index.js';
import type { JSONSchemaProps } from '../../../src/schema/json-schema-props.js';
import { applyDefaults, failingRules } from '../../support/crd-cel.js';

type AnyResource = typeof FailoverPlanResource | typeof FailoverResource | typeof RegionHealthResource;
// biome-ignore lint/suspicious/noExplicitAny: fixtures are YAML documents mutated freely, one field per case
type Obj = Record<string, any>;

function example(file: string, index = 0): Obj {
  const docs = parseAllDocuments(
    readFileSync(new URL(`../../../examples/failover/${file}`, import.meta.url), 'utf8'),
  );
  return docs[index]?.toJS() as Obj;
}

function rootSchema(resource: AnyResource): JSONSchemaProps {
  const schema = resource.crd().spec.versions[0]?.schema.openAPIV3Schema;
  if (!schema) throw new Error('no schema');
  return schema;
}

const allRuleMessages = new Set(
  [FailoverPlanResource, FailoverResource, RegionHealthResource].flatMap((resource) => {
    const messages: string[] = [];
    const visit = (node: JSONSchemaProps) => {
      for (const rule of node['x-kubernetes-validations'] ?? []) messages.push(rule.message ?? rule.rule);
      for (const child of Object.values(node.properties ?? {})) visit(child);
      if (node.items) visit(node.items);
    };
    visit(rootSchema(resource));
    return messages;
  }),
);

/** What the apiserver's CEL would report: [path, message] pairs. */
function celVerdict(resource: AnyResource, object: Obj, previous?: Obj): string[] {
  const schema = rootSchema(resource);
  const defaulted = applyDefaults(schema, object);
  const old = previous ? applyDefaults(schema, previous) : undefined;
  return failingRules(schema, defaulted, old)
    .map((failure) => `${failure.path}: ${failure.message}`)
    .sort();
}

/** What zod reports for the same object; only CEL-rule messages are expected here. */
function zodVerdict(resource: AnyResource, object: Obj, previous?: Obj): string[] {
  const result = previous ? resource.safeParseUpdate(previous, object) : resource.safeParse(object);
  if (result.success) return [];
  const unrelated = result.issues.filter((issue) => !allRuleMessages.has(issue.message));
  expect(unrelated, 'fixture should break CEL rules only').toEqual([]);
  return result.issues.map((issue) => `${issue.path}: ${issue.message}`).sort();
}

interface Case {
  name: string;
  resource: AnyResource;
  object: () => Obj;
  previous?: () => Obj;
  /** `path: message` lines both sides must report; empty for a valid object. */
  expected: string[];
}

const plan = () => example('failover-plan.yaml');
const switchover = () => example('failover-switchover.yaml');
const IMMUTABLE_REQUEST =
  'spec: only spec.cancel, spec.paused and spec.approval may change once the Failover is created; create a new Failover instead';
const APPROVAL = {
  approvedBy: 'oncall-trading-platform',
  approvedAt: '2026-11-25T03:12:00Z',
  maxDataLossSeconds: 10,
};
const APPROVAL_CHANGED =
  'spec.approval: an approval cannot be removed or changed; replace it only with one whose approvedAt is later';
const approved = (approval: Obj | undefined) => {
  const f = switchover();
  if (approval) f.spec.approval = approval;
  return f;
};
const health = () => example('region-health.yaml');
const withStatus = (object: Obj, status: Obj) => ({ ...object, status });

const cases: Case[] = [
  // FailoverPlan
  { name: 'the example plan', resource: FailoverPlanResource, object: plan, expected: [] },
  {
    name: 'standby equal to primary',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.regions.standby = 'us-east-1';
      return p;
    },
    // The per-region lists now name a region outside the plan, so those rules fire too.
    expected: [
      'spec.compute.autoScalingGroups: compute.autoScalingGroups may only name the plan regions',
      'spec.database.members: database.members must name the plan regions (primary and standby)',
      'spec.regions.standby: primary and standby must be different regions',
      'spec.traffic.dns.regionalRecords: traffic.dns.regionalRecords must name the plan regions (primary and standby)',
      'spec.traffic.gates: traffic.gates must name the plan regions (primary and standby)',
    ],
  },
  {
    name: 'a database member outside the plan regions',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.database.members[1].region = 'us-west-2';
      return p;
    },
    expected: ['spec.database.members: database.members must name the plan regions (primary and standby)'],
  },
  {
    name: 'a traffic gate outside the plan regions',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.traffic.gates[0].region = 'eu-west-1';
      return p;
    },
    expected: ['spec.traffic.gates: traffic.gates must name the plan regions (primary and standby)'],
  },
  {
    name: 'a plan without DNS (traffic.dns is optional)',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      delete p.spec.traffic.dns;
      return p;
    },
    expected: [],
  },
  {
    name: 'a regional DNS record outside the plan regions',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.traffic.dns.regionalRecords[1].region = 'us-west-2';
      return p;
    },
    expected: [
      'spec.traffic.dns.regionalRecords: traffic.dns.regionalRecords must name the plan regions (primary and standby)',
    ],
  },
  {
    name: 'the DNS record at the zone apex',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.traffic.dns.recordName = p.spec.traffic.dns.zoneName;
      return p;
    },
    expected: [],
  },
  {
    name: 'the DNS record outside its zone (a suffix that is not a label boundary)',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.traffic.dns.recordName = 'notrading.example.com';
      return p;
    },
    expected: ['spec.traffic.dns.recordName: recordName must be zoneName or a name below it'],
  },
  {
    name: 'a regional DNS record outside the zone',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.traffic.dns.regionalRecords[0].recordName = 'us-east-1.example.org';
      return p;
    },
    expected: [
      'spec.traffic.dns.regionalRecords: every regionalRecords[].recordName must be zoneName or a name below it',
    ],
  },
  {
    name: 'an Auto Scaling group outside the plan regions',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.compute.autoScalingGroups.push({ region: 'us-west-2', name: 'stray' });
      return p;
    },
    expected: ['spec.compute.autoScalingGroups: compute.autoScalingGroups may only name the plan regions'],
  },
  {
    name: 'N of M with N = M',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.automatic.window = { failing: 5, outOf: 5 };
      return p;
    },
    expected: [],
  },
  {
    name: 'N of M with N > M',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.automatic.window = { failing: 6, outOf: 5 };
      return p;
    },
    expected: ['spec.automatic.window.failing: failing (N) must not exceed outOf (M)'],
  },
  {
    name: 'automatic policy disabled without signals',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.automatic.enabled = false;
      delete p.spec.automatic.signals;
      return p;
    },
    expected: [],
  },
  {
    name: 'automatic policy enabled without signals',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      delete p.spec.automatic.signals;
      return p;
    },
    expected: ['spec.automatic.signals: an enabled automatic policy needs at least one signal'],
  },
  {
    name: 'automatic policy enabled with an empty signal list',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.automatic.signals = [];
      return p;
    },
    expected: ['spec.automatic.signals: an enabled automatic policy needs at least one signal'],
  },
  {
    name: 'cooldown of exactly 1m',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.automatic.cooldown = '60s';
      return p;
    },
    expected: [],
  },
  {
    name: 'cooldown below 1m',
    resource: FailoverPlanResource,
    object: () => {
      const p = plan();
      p.spec.automatic.cooldown = '59s';
      return p;
    },
    expected: ['spec.automatic.cooldown: cooldown must be at least 1m'],
  },

  // Failover
  { name: 'the example switchover', resource: FailoverResource, object: switchover, expected: [] },
  {
    name: 'allowDataLoss on a Failover',
    resource: FailoverResource,
    object: () => example('failover-unplanned.yaml'),
    expected: [],
  },
  {
    name: 'type Failover without allowDataLoss (the consent is required)',
    resource: FailoverResource,
    object: () => {
      const f = example('failover-unplanned.yaml');
      delete f.spec.allowDataLoss;
      return f;
    },
    expected: [`spec.allowDataLoss: ${DATA_LOSS_CONSENT_MESSAGE}`],
  },
  {
    name: 'type Failover with allowDataLoss: false',
    resource: FailoverResource,
    object: () => {
      const f = example('failover-unplanned.yaml');
      f.spec.allowDataLoss = false;
      return f;
    },
    expected: [`spec.allowDataLoss: ${DATA_LOSS_CONSENT_MESSAGE}`],
  },
  {
    name: 'allowDataLoss on a Switchover',
    resource: FailoverResource,
    object: () => {
      const f = switchover();
      f.spec.allowDataLoss = true;
      return f;
    },
    expected: [
      'spec.allowDataLoss: allowDataLoss is only allowed with type Failover; a Switchover never loses data',
    ],
  },
  {
    name: 'a dry run with an approval',
    resource: FailoverResource,
    object: () => {
      const f = example('failover-dry-run.yaml');
      f.spec.approval = { approvedBy: 'someone', approvedAt: '2026-11-25T00:00:00Z', maxDataLossSeconds: 5 };
      return f;
    },
    expected: ['spec.approval: a dry run changes nothing and takes no approval'],
  },
  {
    name: 'paused and cancelled at once',
    resource: FailoverResource,
    object: () => {
      const f = switchover();
      f.spec.paused = true;
      f.spec.cancel = true;
      return f;
    },
    expected: [
      'spec.paused: paused and cancel cannot both be set: to cancel a paused Failover, set paused: false and cancel: true in one patch',
    ],
  },
  {
    name: 'an update that pauses, then one that resumes',
    resource: FailoverResource,
    previous: () => {
      const f = switchover();
      f.spec.paused = true;
      return f;
    },
    object: switchover,
    expected: [],
  },
  {
    name: 'status completed after it started',
    resource: FailoverResource,
    object: () =>
      withStatus(switchover(), { startedAt: '2026-11-25T00:00:00Z', completedAt: '2026-11-25T00:04:00Z' }),
    expected: [],
  },
  {
    name: 'status completed without a start',
    resource: FailoverResource,
    object: () => withStatus(switchover(), { completedAt: '2026-11-25T00:04:00Z' }),
    expected: ['status.completedAt: completedAt requires startedAt'],
  },
  {
    name: 'an update that only changes status',
    resource: FailoverResource,
    previous: switchover,
    object: () => withStatus(switchover(), { phase: 'Running', currentStep: 'preflight' }),
    expected: [],
  },
  {
    name: 'an update that writes a defaulted field explicitly',
    resource: FailoverResource,
    previous: switchover,
    object: () => {
      const f = switchover();
      f.spec.dryRun = false;
      return f;
    },
    expected: [],
  },
  {
    name: 'an update that changes the target region',
    resource: FailoverResource,
    previous: switchover,
    object: () => {
      const f = switchover();
      f.spec.targetRegion = 'us-east-1';
      return f;
    },
    expected: [IMMUTABLE_REQUEST],
  },
  {
    name: 'an update that drops the reason',
    resource: FailoverResource,
    previous: () => ({ ...switchover(), spec: { ...switchover().spec, reason: 'quarterly drill' } }),
    object: switchover,
    expected: [IMMUTABLE_REQUEST],
  },
  {
    name: 'an update that requests cancel',
    resource: FailoverResource,
    previous: switchover,
    object: () => ({ ...switchover(), spec: { ...switchover().spec, cancel: true } }),
    expected: [],
  },
  {
    name: 'an update that withdraws a cancel',
    resource: FailoverResource,
    previous: () => ({ ...switchover(), spec: { ...switchover().spec, cancel: true } }),
    object: () => ({ ...switchover(), spec: { ...switchover().spec, cancel: false } }),
    expected: ['spec.cancel: a cancel cannot be withdrawn; create a new Failover instead'],
  },
  {
    name: 'an update that adds an approval',
    resource: FailoverResource,
    previous: switchover,
    object: () => ({ ...switchover(), spec: { ...switchover().spec, approval: APPROVAL } }),
    expected: [],
  },
  {
    name: 'an update that changes who approved',
    resource: FailoverResource,
    previous: () => approved(APPROVAL),
    object: () => approved({ ...APPROVAL, approvedBy: 'mallory' }),
    expected: [APPROVAL_CHANGED],
  },
  {
    name: 'an update that raises maxDataLossSeconds in place (same approvedAt)',
    resource: FailoverResource,
    previous: () => approved(APPROVAL),
    object: () => approved({ ...APPROVAL, maxDataLossSeconds: 60 }),
    expected: [APPROVAL_CHANGED],
  },
  {
    name: 'an update that removes the approval',
    resource: FailoverResource,
    previous: () => approved(APPROVAL),
    object: () => approved(undefined),
    expected: [APPROVAL_CHANGED],
  },
  {
    name: 'an update that replaces the approval with a later one (larger lag budget)',
    resource: FailoverResource,
    previous: () => approved(APPROVAL),
    object: () =>
      approved({ approvedBy: 'alice', approvedAt: '2026-11-25T03:12:01Z', maxDataLossSeconds: 60 }),
    expected: [],
  },
  {
    name: 'an update that replaces the approval with an earlier one',
    resource: FailoverResource,
    previous: () => approved(APPROVAL),
    object: () => approved({ ...APPROVAL, approvedAt: '2026-11-25T03:11:59Z', maxDataLossSeconds: 60 }),
    expected: [APPROVAL_CHANGED],
  },
  {
    name: 'a later approval written with another offset is compared as an instant',
    resource: FailoverResource,
    previous: () => approved(APPROVAL),
    // Sorts earlier as text, but is 03:12:30Z: 30 s after the first.
    object: () => approved({ ...APPROVAL, approvedAt: '2026-11-24T22:12:30-05:00', maxDataLossSeconds: 60 }),
    expected: [],
  },
  {
    name: 'an earlier approval that sorts later as text is refused',
    resource: FailoverResource,
    previous: () => approved(APPROVAL),
    // Sorts later as text, but is 02:00:00Z: before the first.
    object: () => approved({ ...APPROVAL, approvedAt: '2026-11-25T05:00:00+03:00', maxDataLossSeconds: 60 }),
    expected: [APPROVAL_CHANGED],
  },

  // Failover status: a write by anyone else cannot end or skip a run.
  ...failoverStatusCases(),

  // RegionHealth
  { name: 'the example region health', resource: RegionHealthResource, object: health, expected: [] },
  {
    name: 'an HTTP probe that also sets tcp',
    resource: RegionHealthResource,
    object: () => {
      const h = health();
      h.spec.probes[0].tcp = { host: 'x', port: 443 };
      return h;
    },
    expected: [
      'spec.probes[0]: set exactly the probe settings named by type (http, tcp, cloudWatchAlarm or auroraWriter)',
    ],
  },
  {
    name: 'an AuroraWriter probe without auroraWriter settings',
    resource: RegionHealthResource,
    object: () => {
      const h = health();
      delete h.spec.probes[1].auroraWriter;
      return h;
    },
    expected: [
      'spec.probes[1]: set exactly the probe settings named by type (http, tcp, cloudWatchAlarm or auroraWriter)',
    ],
  },
  {
    name: 'a timeout equal to the interval',
    resource: RegionHealthResource,
    object: () => {
      const h = health();
      h.spec.probes[0].timeout = '10s';
      return h;
    },
    expected: ['spec.probes[0].timeout: timeout must be shorter than interval'],
  },
  {
    name: 'a timeout longer than the defaulted interval (10s)',
    resource: RegionHealthResource,
    object: () => {
      const h = health();
      h.spec.probes[1].timeout = '15s';
      return h;
    },
    expected: ['spec.probes[1].timeout: timeout must be shorter than interval'],
  },
];

function failoverStatusCases(): Case[] {
  const entry = (name: string, state: string) => ({ name, state, attempts: 1 });
  const running = {
    phase: 'Running',
    startedAt: '2026-11-25T00:00:00Z',
    journal: [entry('preflight', 'Succeeded'), entry('switchover', 'Running')],
  };
  const status = (over: Obj) => () => withStatus(switchover(), { ...running, ...over });
  const before = status({});
  return [
    { name: 'status Running mid-journal', resource: FailoverResource, object: before, expected: [] },
    {
      name: 'status Succeeded with a step still running',
      resource: FailoverResource,
      object: status({ phase: 'Succeeded' }),
      expected: [
        'status.phase: phase Succeeded or Cancelled needs a journal whose every step Succeeded or was Skipped',
      ],
    },
    {
      name: 'status Failed without a failed step',
      resource: FailoverResource,
      object: status({ phase: 'Failed' }),
      expected: [
        'status.phase: phase Failed needs a Failed journal step (or no journal: refused before it started)',
      ],
    },
    {
      name: 'a finished status changing phase',
      resource: FailoverResource,
      previous: status({
        phase: 'Cancelled',
        journal: [entry('preflight', 'Succeeded'), entry('switchover', 'Skipped')],
      }),
      object: status({
        phase: 'Running',
        journal: [entry('preflight', 'Succeeded'), entry('switchover', 'Skipped')],
      }),
      expected: ['status.phase: a finished Failover (Succeeded, Failed or Cancelled) keeps its phase'],
    },
    {
      name: 'a journal losing a step',
      resource: FailoverResource,
      previous: before,
      object: status({ journal: [entry('preflight', 'Succeeded')] }),
      expected: ['status.journal: journal steps are never removed or renamed once written'],
    },
    {
      name: 'a succeeded step going back to Pending',
      resource: FailoverResource,
      previous: before,
      object: status({ journal: [entry('preflight', 'Pending'), entry('switchover', 'Running')] }),
      expected: ['status.journal: a journal step that Succeeded or was Skipped keeps its state'],
    },
    {
      name: 'the deletion step rewritten',
      resource: FailoverResource,
      previous: status({ deletedDuringStep: 'switchover' }),
      object: status({ deletedDuringStep: 'preflight' }),
      expected: ['status.deletedDuringStep: deletedDuringStep is written once'],
    },
  ];
}

describe('CEL rules and zod refinements agree', () => {
  it.each(cases)('$resource.kind: $name', ({ resource, object, previous, expected }) => {
    const value = object();
    const before = previous?.();
    expect(celVerdict(resource, value, before)).toEqual(expected);
    expect(zodVerdict(resource, value, before)).toEqual(expected);
  });

  it('has an invalid case for every CEL rule in the generated CRDs', () => {
    const exercised = new Set(
      cases.flatMap((c) => c.expected.map((line) => line.slice(line.indexOf(': ') + 2))),
    );
    const untested = [...allRuleMessages].filter((message) => !exercised.has(message));
    expect(untested).toEqual([]);
    expect(allRuleMessages.size).toBeGreaterThanOrEqual(12);
  });
});
