/**
 * Failover: one execution of a FailoverPlan (ARCHITECTURE §3). People create it with kubectl
 * and the automatic trigger creates it too, so every failover leaves the same audit object.
 * Its spec is a request: only `cancel`, `paused` and `approval` may be set later (an approval is
 * replaced only by a later one); its status is the step journal the controller resumes from.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { celRule, listMap, transitionRule, withRules } from '../schema/x-kubernetes.js';
import {
  awsRegion,
  conditions,
  GROUP,
  label,
  objectName,
  observedGeneration,
  text,
  timestamp,
  VERSION,
} from './common.js';
import { ageColumn, defineCustomResource, type ResourceInputOf, type ResourceOf } from './define.js';
import type { FailoverPlanSpec } from './failover-plan.js';

export const failoverTypes = ['Switchover', 'Failover'] as const;

/** The request proper: every spec field except the three a person may set later. */
const REQUEST_FIELDS = ['planRef', 'type', 'targetRegion', 'allowDataLoss', 'dryRun', 'reason'] as const;

function requestOf(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(REQUEST_FIELDS.map((field) => [field, spec[field]]));
}

/** `self.f == oldSelf.f` per field; optional ones compare presence first (CEL has no null). */
const REQUEST_UNCHANGED_RULE = REQUEST_FIELDS.map((field) =>
  field === 'reason'
    ? `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`
    : `self.${field} == oldSelf.${field}`,
).join(' && ');

/** How far an approval's approvedAt may lie ahead of the controller's clock or before the Failover. */
export const APPROVAL_CLOCK_SKEW_SECONDS = 60;

const approval = z
  .strictObject({
    approvedBy: z.string().min(1).max(253).describe('Who approved (user or group name).'),
    approvedAt: timestamp().describe(
      `When it was approved (RFC 3339). Valid only if not in the future and not before the Failover was created, each within ${APPROVAL_CLOCK_SKEW_SECONDS} s of clock skew; the controller checks it (condition ApprovalValid).`,
    ),
    maxDataLossSeconds: z
      .int32()
      .min(0)
      .describe(
        'The data loss the approver accepts, in seconds of replication lag: above it the Failover waits for a new approval, also when the lag grows before the promotion.',
      ),
  })
  .describe(
    `Approval for a failover whose plan or observed lag requires one: who, when, and how much data loss it accepts. Valid only when approvedAt is neither in the future nor before the Failover's creation (${APPROVAL_CLOCK_SKEW_SECONDS} s skew allowed) and the observed lag is at most maxDataLossSeconds (condition ApprovalValid).`,
  );

/** Compared as instants, as CEL compares date-time strings (both are RFC 3339). */
const approvedLater = (later: { approvedAt: string }, earlier: { approvedAt: string }) =>
  Date.parse(later.approvedAt) > Date.parse(earlier.approvedAt);

export const DATA_LOSS_CONSENT_MESSAGE =
  'type Failover promotes without waiting for replication and loses unreplicated writes: set allowDataLoss: true to consent, or use type Switchover';

export const failoverSpec = withRules(
  z
    .strictObject({
      planRef: z
        .strictObject({ name: objectName().describe('Name of the FailoverPlan in this namespace.') })
        .describe('The plan to execute.'),
      type: z
        .enum(failoverTypes)
        .describe(
          'Switchover: planned, waits for zero lag (RPO 0). Failover: unplanned, promotes the standby even if the primary region is gone.',
        ),
      targetRegion: awsRegion().describe(
        "Region to become primary; must be one of the plan's regions (reported in the TargetRegionValid condition).",
      ),
      allowDataLoss: z
        .boolean()
        .default(false)
        .describe(
          "Consent to lose the writes not yet replicated: required (true) for type Failover, refused for type Switchover. The controller passes it to FailoverGlobalCluster as AllowDataLoss; the automatic trigger sets it, the plan's automatic policy being the consent.",
        ),
      dryRun: z
        .boolean()
        .default(false)
        .describe('Run the read-only preflight steps and stop before acting.'),
      approval: approval
        .optional()
        .describe(
          'May be added to a waiting Failover (kubectl patch) and replaced by one with a later approvedAt (e.g. a larger maxDataLossSeconds); never removed or rewritten in place.',
        ),
      cancel: z
        .boolean()
        .default(false)
        .describe(
          'Set to true to stop the execution. Before the one-way step (promote / switchover) it stops and undoes the traffic fence; after it, the execution runs to the end and says so in the Cancelled condition. Cannot be withdrawn.',
        ),
      paused: z
        .boolean()
        .default(false)
        .describe(
          'Set to true to hold the execution before its next action (a step that changes AWS), never in the middle of a call; phase Paused and condition Paused say where it holds. Reads and waits go on: after the one-way step Aurora finishes the promotion by itself, so a pause there lets the waits see it through and holds before traffic moves (the old primary stays fenced, the new one not yet open). Set back to false to resume from the journal. Not with cancel (to cancel a paused Failover, set paused: false and cancel: true in one patch); a deletion overrides it.',
        ),
      reason: text().optional().describe('Why this failover was requested; kept for the audit trail.'),
    })
    .describe(
      'The requested failover. Only cancel, paused and approval may change; for anything else create a new Failover.',
    ),
  [
    transitionRule({
      rule: REQUEST_UNCHANGED_RULE,
      message:
        'only spec.cancel, spec.paused and spec.approval may change once the Failover is created; create a new Failover instead',
      check: (self, oldSelf) => isDeepStrictEqual(requestOf(self), requestOf(oldSelf)),
    }),
    transitionRule({
      // An approval whose lag budget proved too small must be replaceable, but never rewritten
      // into the past or removed: the newest approval is the one that counts.
      rule: '!has(oldSelf.approval) || (has(self.approval) && (self.approval == oldSelf.approval || self.approval.approvedAt > oldSelf.approval.approvedAt))',
      message: 'an approval cannot be removed or changed; replace it only with one whose approvedAt is later',
      fieldPath: '.approval',
      check: (self, oldSelf) =>
        oldSelf.approval === undefined ||
        (self.approval !== undefined &&
          (isDeepStrictEqual(self.approval, oldSelf.approval) ||
            approvedLater(self.approval, oldSelf.approval))),
    }),
    transitionRule({
      rule: '!oldSelf.cancel || self.cancel',
      message: 'a cancel cannot be withdrawn; create a new Failover instead',
      fieldPath: '.cancel',
      check: (self, oldSelf) => !oldSelf.cancel || self.cancel,
    }),
    celRule({
      rule: "self.type != 'Failover' || self.allowDataLoss",
      message: DATA_LOSS_CONSENT_MESSAGE,
      fieldPath: '.allowDataLoss',
      check: (self) => self.type !== 'Failover' || self.allowDataLoss,
    }),
    celRule({
      rule: "!self.allowDataLoss || self.type == 'Failover'",
      message: 'allowDataLoss is only allowed with type Failover; a Switchover never loses data',
      fieldPath: '.allowDataLoss',
      check: (self) => !self.allowDataLoss || self.type === 'Failover',
    }),
    celRule({
      rule: '!(self.paused && self.cancel)',
      message:
        'paused and cancel cannot both be set: to cancel a paused Failover, set paused: false and cancel: true in one patch',
      fieldPath: '.paused',
      check: (self) => !(self.paused && self.cancel),
    }),
    celRule({
      rule: '!self.dryRun || !has(self.approval)',
      message: 'a dry run changes nothing and takes no approval',
      fieldPath: '.approval',
      check: (self) => !self.dryRun || self.approval === undefined,
    }),
  ],
);

export const failoverPhases = [
  'Pending',
  'AwaitingApproval',
  'Running',
  'Paused',
  'Succeeded',
  'Failed',
  'Cancelled',
] as const;
export const stepStates = ['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped'] as const;
/** Phases an execution never leaves. */
export const TERMINAL_PHASES = ['Succeeded', 'Failed', 'Cancelled'] as const;
/** A step that is done: it never runs again and never changes state. */
const isDone = (state: string) => state === 'Succeeded' || state === 'Skipped';
const DONE_CEL = (entry: string) => `${entry}.state == 'Succeeded' || ${entry}.state == 'Skipped'`;

const journalEntry = z.strictObject({
  name: label().describe('Step name, e.g. preflight, fence, scale-up, promote, verify.'),
  state: z.enum(stepStates),
  region: awsRegion().optional().describe('Region whose endpoint the step called.'),
  attempts: z.int32().min(0).max(1000).default(0),
  startedAt: timestamp().optional(),
  finishedAt: timestamp().optional(),
  message: text().optional(),
});

export const failoverStatus = withRules(
  z
    .strictObject({
      observedGeneration: observedGeneration().optional(),
      phase: z.enum(failoverPhases).optional(),
      currentStep: label().optional().describe('The step being executed or waited on.'),
      journal: listMap(journalEntry, ['name'], { maxItems: 32 })
        .optional()
        .describe('One entry per step, in execution order; the controller resumes from it after a restart.'),
      conditions: conditions().optional(),
      observedLag: z
        .strictObject({
          replicationLagMilliseconds: z
            .int()
            .min(0)
            .describe('Aurora global replication lag at the decision.'),
          rpoSeconds: z
            .int32()
            .min(0)
            .optional()
            .describe('Data-loss window actually taken (unplanned only).'),
          observedAt: timestamp(),
        })
        .optional()
        .describe('Replication lag / RPO observed before promoting.'),
      recoveryTimeSeconds: z
        .int32()
        .min(0)
        .optional()
        .describe('Measured from startedAt to verified writer.'),
      startedAt: timestamp().optional(),
      completedAt: timestamp().optional(),
      deletedDuringStep: label()
        .optional()
        .describe(
          'The step the execution was at when the Failover was deleted; the deletion runs as a cancel (undo before the one-way step, the safe remainder after it) before the finalizer is released.',
        ),
    })
    .describe(
      'Progress of the failover, written by the controller. Guarded so that a write by anyone else cannot end or skip a run: a finished phase is final, Succeeded/Cancelled need every step done, a done step stays done.',
    ),
  [
    celRule({
      rule: '!has(self.completedAt) || has(self.startedAt)',
      message: 'completedAt requires startedAt',
      fieldPath: '.completedAt',
      check: (self) => self.completedAt === undefined || self.startedAt !== undefined,
    }),
    celRule({
      rule: `!has(self.phase) || !(self.phase in ['Succeeded', 'Cancelled']) || (has(self.journal) && self.journal.all(e, ${DONE_CEL('e')}))`,
      message: 'phase Succeeded or Cancelled needs a journal whose every step Succeeded or was Skipped',
      fieldPath: '.phase',
      check: (self) =>
        !(self.phase === 'Succeeded' || self.phase === 'Cancelled') ||
        self.journal?.every((e) => isDone(e.state)) === true,
    }),
    celRule({
      rule: "!has(self.phase) || self.phase != 'Failed' || !has(self.journal) || self.journal.exists(e, e.state == 'Failed')",
      message: 'phase Failed needs a Failed journal step (or no journal: refused before it started)',
      fieldPath: '.phase',
      check: (self) =>
        self.phase !== 'Failed' ||
        self.journal === undefined ||
        self.journal.some((e) => e.state === 'Failed'),
    }),
    transitionRule({
      rule: `!has(oldSelf.phase) || !(oldSelf.phase in [${TERMINAL_PHASES.map((p) => `'${p}'`).join(', ')}]) || (has(self.phase) && self.phase == oldSelf.phase)`,
      message: 'a finished Failover (Succeeded, Failed or Cancelled) keeps its phase',
      fieldPath: '.phase',
      check: (self, oldSelf) =>
        oldSelf.phase === undefined ||
        !(TERMINAL_PHASES as readonly string[]).includes(oldSelf.phase) ||
        self.phase === oldSelf.phase,
    }),
    transitionRule({
      rule: '!has(oldSelf.journal) || (has(self.journal) && oldSelf.journal.all(o, self.journal.exists(n, n.name == o.name)))',
      message: 'journal steps are never removed or renamed once written',
      fieldPath: '.journal',
      check: (self, oldSelf) =>
        oldSelf.journal === undefined ||
        (self.journal !== undefined &&
          oldSelf.journal.every((o) => self.journal?.some((n) => n.name === o.name))),
    }),
    transitionRule({
      rule: `!has(oldSelf.journal) || !has(self.journal) || oldSelf.journal.all(o, !(${DONE_CEL('o')}) || self.journal.exists(n, n.name == o.name && n.state == o.state))`,
      message: 'a journal step that Succeeded or was Skipped keeps its state',
      fieldPath: '.journal',
      check: (self, oldSelf) =>
        oldSelf.journal === undefined ||
        self.journal === undefined ||
        oldSelf.journal.every(
          (o) => !isDone(o.state) || self.journal?.some((n) => n.name === o.name && n.state === o.state),
        ),
    }),
    transitionRule({
      rule: '!has(oldSelf.deletedDuringStep) || (has(self.deletedDuringStep) && self.deletedDuringStep == oldSelf.deletedDuringStep)',
      message: 'deletedDuringStep is written once',
      fieldPath: '.deletedDuringStep',
      check: (self, oldSelf) =>
        oldSelf.deletedDuringStep === undefined || self.deletedDuringStep === oldSelf.deletedDuringStep,
    }),
  ],
);

export const FailoverResource = defineCustomResource({
  group: GROUP,
  version: VERSION,
  kind: 'Failover',
  plural: 'failovers',
  shortNames: ['fo'],
  description:
    'One execution of a FailoverPlan: a planned Switchover or an unplanned Failover, with its step journal.',
  printerColumns: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Step', type: 'string', jsonPath: '.status.currentStep' },
    { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
    { name: 'Target', type: 'string', jsonPath: '.spec.targetRegion' },
    { name: 'Type', type: 'string', jsonPath: '.spec.type', priority: 1 },
    { name: 'Plan', type: 'string', jsonPath: '.spec.planRef.name', priority: 1 },
    { name: 'Dry-Run', type: 'boolean', jsonPath: '.spec.dryRun', priority: 1 },
    ageColumn,
  ],
  spec: failoverSpec,
  status: failoverStatus,
});

export type Failover = ResourceOf<typeof failoverSpec, typeof failoverStatus>;
export type FailoverInput = ResourceInputOf<typeof failoverSpec, typeof failoverStatus>;
export type FailoverSpec = z.output<typeof failoverSpec>;
export type FailoverStatus = z.output<typeof failoverStatus>;

/** Condition type the controller sets from {@link checkTargetRegion}. */
export const TARGET_REGION_CONDITION = 'TargetRegionValid';

/**
 * The cross-object rule a CRD cannot express (CEL sees one object): the target must be one of the
 * plan's regions. Returns the problem, or undefined when the target is valid; the controller
 * reports it as condition TargetRegionValid=False and does not start.
 */
export function checkTargetRegion(spec: FailoverSpec, plan: FailoverPlanSpec): string | undefined {
  const { primary, standby } = plan.regions;
  if (spec.targetRegion === primary || spec.targetRegion === standby) return undefined;
  return `targetRegion ${spec.targetRegion} is not a region of plan ${spec.planRef.name} (${primary}, ${standby})`;
}
