/**
 * The simulator's opt-in policy enforcement (`switchyard aws --enforce-policy <policy.json>`,
 * ADR 0012): once a policy is set, every signed request is evaluated against it and answered
 * `AccessDenied` (HTTP 403, in the service's own error shape) unless it allows the request's
 * action on every resource the request touches.
 */
import { z } from 'zod';
import { AwsError } from '../core/errors.js';
import type { Persistable } from '../core/persistence.js';
import { ACCOUNT_ID } from '../core/regions.js';
import type { ServiceRequest, SimService } from '../core/request.js';
import { deniedResource, type Policy, type RequestContext } from './policy.js';

/** IAM service prefixes that differ from the SigV4 signing name. */
const IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch' };

/** `monitoring` + `PutMetricData` → `cloudwatch:PutMetricData`. */
export const iamAction = (signingName: string, operation: string) =>
  `${IAM_PREFIX[signingName] ?? signingName}:${operation}`;

export function accessDenied(principal: string, action: string, resource: string): AwsError {
  return new AwsError(
    'AccessDenied',
    `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    403,
  );
}

const policyStateSchema = z.object({
  /** The parsed policy in force (the statements the evaluator uses), or null when not enforcing. */
  policy: z
    .object({
      statements: z.array(
        z.object({
          actions: z.array(z.string()),
          resources: z.array(z.string()),
          stringEquals: z.record(z.string(), z.array(z.string())),
        }),
      ),
    })
    .nullable(),
});

export class PolicyEnforcement implements Persistable<typeof policyStateSchema> {
  readonly stateKey = 'iam-policy';
  readonly stateSchema = policyStateSchema;
  private policy: Policy | undefined;
  private readonly listeners = new Set<() => void>();

  /** Starts enforcing `policy`; undefined stops enforcing (every request allowed, as before). */
  set(policy: Policy | undefined): void {
    this.policy = policy;
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): z.input<typeof policyStateSchema> {
    return { policy: this.policy ?? null };
  }

  /** The policy in force before the restart stays in force. */
  restore(state: z.output<typeof policyStateSchema>): void {
    this.policy = state.policy ?? undefined;
  }

  get enforcing(): boolean {
    return this.policy !== undefined;
  }

  /** Throws AccessDenied when the policy in force does not allow the request. */
  check(service: SimService, request: ServiceRequest, operation: string, accessKeyId: string): void {
    if (!this.policy) return;
    const authorization = service.authorization?.(request, operation) ?? { resources: ['*'] };
    const context: RequestContext = {
      action: iamAction(service.signingName, operation),
      resources: authorization.resources,
      conditions: authorization.conditions ?? {},
    };
    const denied = deniedResource(this.policy, context);
    if (denied !== undefined) {
      throw accessDenied(`arn:aws:iam::${ACCOUNT_ID}:user/${accessKeyId}`, context.action, denied);
    }
  }
}
