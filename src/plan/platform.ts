/**
 * The input of a plan derivation: a TradingPlatform XR checked against the zod schema its XRD is
 * generated from, and the AWS account its ARNs live in. Bad input is a PlanInputError naming the
 * field, never a partial plan.
 */
import type { z } from 'zod';
import { label } from '../apis/common.js';
import { describeIssues } from '../apis/issues.js';
import { type PairRegion, REGION_PAIR } from '../estate/common/parameters.js';
import { tradingPlatformSpec } from '../estate/trading-platform/definition.js';
import { tradingPlatformIdentity } from '../estate/trading-platform/identity.js';

export class PlanInputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export type TradingPlatformSpec = z.output<typeof tradingPlatformSpec>;

export interface TradingPlatform {
  namespace: string | undefined;
  spec: TradingPlatformSpec;
}

const ACCOUNT_ID = /^[0-9]{12}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The XR as read from YAML; the first problem with it is the error. */
export function readTradingPlatform(object: unknown): TradingPlatform {
  const { apiVersion, kind } = tradingPlatformIdentity;
  if (!isRecord(object) || object.apiVersion !== apiVersion || object.kind !== kind) {
    throw new PlanInputError('kind', `must be a ${kind} (apiVersion ${apiVersion})`);
  }
  const parsed = tradingPlatformSpec.safeParse(object.spec, { reportInput: true });
  if (!parsed.success) {
    const [issue] = describeIssues(parsed.error);
    throw new PlanInputError(issue?.path ? `spec.${issue.path}` : 'spec', issue?.message ?? 'invalid');
  }
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return { namespace, spec: parsed.data };
}

/** `arn:aws:acm:<region>:<account>:certificate/<id>` → the account. */
const accountOfArn = (arn: string) => arn.split(':')[4] ?? '';

/**
 * The account of the platform's ARNs. An ALB only takes an ACM certificate of its own account, so
 * the XR's certificate ARNs already say it; `given` must agree with them.
 */
export function platformAccountId(spec: TradingPlatformSpec, given: string | undefined): string {
  if (given !== undefined && !ACCOUNT_ID.test(given))
    throw new PlanInputError('accountId', `must be a 12-digit AWS account id, got "${given}"`);
  const [first, ...others] = REGION_PAIR.map((region: PairRegion) => ({
    region,
    account: accountOfArn(spec.certificateArns[region]),
  }));
  if (!first) throw new PlanInputError('accountId', 'required: the AWS account of the platform');
  for (const other of others) {
    if (other.account !== first.account)
      throw new PlanInputError(
        `spec.certificateArns.${other.region}`,
        `account ${other.account} differs from ${first.account} (${first.region}): the platform lives in one account`,
      );
  }
  if (given !== undefined && given !== first.account)
    throw new PlanInputError(
      'accountId',
      `${given} differs from ${first.account}, the account of spec.certificateArns: an ALB only uses certificates of its own account`,
    );
  return first.account;
}

/** Where the objects go: the option, else the XR's namespace. */
export function planNamespace(xr: TradingPlatform, given: string | undefined): string {
  const namespace = given ?? xr.namespace;
  if (namespace === undefined)
    throw new PlanInputError('namespace', 'required: the XR has no metadata.namespace; pass one');
  if (!label().safeParse(namespace).success)
    throw new PlanInputError('namespace', `must be a lowercase RFC 1123 label, got "${namespace}"`);
  return namespace;
}

/** Vantage names become RegionHealth names and labels: RFC 1123 labels, no repeats. */
export function checkVantages(vantages: readonly string[]): readonly string[] {
  if (vantages.length === 0) throw new PlanInputError('vantages', 'at least one vantage is needed');
  for (const vantage of vantages) {
    if (!label().safeParse(vantage).success)
      throw new PlanInputError('vantages', `"${vantage}" must be a lowercase RFC 1123 label`);
  }
  if (new Set(vantages).size !== vantages.length)
    throw new PlanInputError('vantages', 'each vantage may be named once');
  return vantages;
}
