/**
 * Field types shared by Switchyard's APIs. Every string carries a maxLength and every list a
 * maxItems: the apiserver estimates CEL cost from these bounds (see structural-check.ts).
 */
import { z } from 'zod';
import { listMap } from '../schema/x-kubernetes.js';

export const GROUP = 'failover.switchyard.dev';
export const VERSION = 'v1alpha1';
export const CATEGORY = 'switchyard';

/** AWS commercial/GovCloud region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
export const awsRegion = () =>
  z
    .string()
    .max(32)
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$/, 'must be an AWS region name such as us-east-1');

/** RFC 1123 subdomain: what Kubernetes accepts as an object name. */
export const objectName = () =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      'must be a lowercase RFC 1123 subdomain (a-z, 0-9, "-", ".")',
    );

/** RFC 1123 label: step names, probe names, signal names, vantage points. */
export const label = () =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 label (a-z, 0-9, "-")');

/** RFC 3339 timestamp as Kubernetes writes metav1.Time. */
export const timestamp = () => z.iso.datetime({ offset: true });

/** Free text shown to people (reasons, messages). */
export const text = (maxLength = 1024) => z.string().max(maxLength);

const goDurationPattern = /^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/;

/**
 * A Go duration string (`30s`, `5m`, `1h30m`), the form CEL's `duration()` parses, so rules can
 * compare durations. Not ISO-8601 (zod's `z.iso.duration()`), which CEL does not understand.
 */
export const goDuration = () =>
  z.string().max(32).regex(goDurationPattern, 'must be a duration such as 30s, 5m or 1h30m');

const unitMilliseconds: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Milliseconds in a Go duration string; the TypeScript twin of CEL's `duration()`. Undefined for
 * a malformed string: zod runs refinements even after a field failed its pattern, and the pattern
 * issue already says what is wrong.
 */
export function durationMilliseconds(value: string): number | undefined {
  if (!goDurationPattern.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/g)) {
    total += Number(amount) * (unitMilliseconds[unit as string] ?? Number.NaN);
  }
  return total;
}

/** metav1.Condition, field for field, including the upstream bounds and patterns. */
export const condition = z
  .strictObject({
    type: z
      .string()
      .max(316)
      .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
      )
      .describe('Type of condition in CamelCase, e.g. Ready.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition: True, False or Unknown.'),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe('The .metadata.generation the condition was set from.'),
    lastTransitionTime: timestamp().describe('When the condition last changed from one status to another.'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .describe("Programmatic identifier for the condition's last transition, in CamelCase."),
    message: z.string().max(32768).describe('Human readable message about the transition.'),
  })
  .describe('A metav1.Condition.');

export const conditions = () =>
  listMap(condition, ['type'], { maxItems: 16 }).describe(
    'Conditions in metav1.Condition form; one entry per type.',
  );

export const observedGeneration = () =>
  z.int().min(0).describe('The .metadata.generation this status was computed from.');
