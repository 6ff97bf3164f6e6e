import { z } from 'zod';
import { isoDate } from '../core/persistence.js';
import type { Elbv2Store, Listener, ListenerAction, LoadBalancer, TargetGroup } from './model.js';

/**
 * The ELBv2 section of the state file: load balancers (with the ARNs and DNS names they were given,
 * which Route 53 aliases and the listeners of provisioned mode answer by), target groups and
 * listeners. Nothing is in flight: a created ALB is `active` at once.
 */

const loadBalancerSchema = z.object({
  arn: z.string(),
  name: z.string(),
  region: z.string(),
  dnsName: z.string(),
  canonicalHostedZoneId: z.string(),
  scheme: z.enum(['internet-facing', 'internal']),
  type: z.enum(['application', 'network', 'gateway']),
  ipAddressType: z.string(),
  vpcId: z.string(),
  subnets: z.array(z.string()),
  securityGroups: z.array(z.string()),
  createdAt: isoDate,
}) satisfies z.ZodType<LoadBalancer>;

const targetGroupSchema = z.object({
  arn: z.string(),
  name: z.string(),
  region: z.string(),
  protocol: z.string().optional(),
  port: z.number().int().optional(),
  vpcId: z.string().optional(),
  targetType: z.string(),
  healthCheck: z.object({
    enabled: z.boolean(),
    protocol: z.string(),
    port: z.string(),
    path: z.string().optional(),
    intervalSeconds: z.number().int(),
    timeoutSeconds: z.number().int(),
    healthyThreshold: z.number().int(),
    unhealthyThreshold: z.number().int(),
    matcher: z.string().optional(),
  }),
}) satisfies z.ZodType<TargetGroup>;

const actionSchema = z.object({
  type: z.string(),
  order: z.number().int().optional(),
  targetGroupArn: z.string().optional(),
  redirect: z
    .object({
      protocol: z.string().optional(),
      port: z.string().optional(),
      host: z.string().optional(),
      path: z.string().optional(),
      query: z.string().optional(),
      statusCode: z.string(),
    })
    .optional(),
  fixedResponse: z
    .object({
      statusCode: z.string(),
      contentType: z.string().optional(),
      messageBody: z.string().optional(),
    })
    .optional(),
}) satisfies z.ZodType<ListenerAction>;

const listenerSchema = z.object({
  arn: z.string(),
  loadBalancerArn: z.string(),
  region: z.string(),
  port: z.number().int(),
  protocol: z.string(),
  sslPolicy: z.string().optional(),
  certificateArns: z.array(z.string()),
  defaultActions: z.array(actionSchema),
}) satisfies z.ZodType<Listener>;

export const elbv2StateSchema = z.object({
  loadBalancers: z.array(loadBalancerSchema),
  targetGroups: z.array(targetGroupSchema),
  listeners: z.array(listenerSchema),
});

export type Elbv2StateFile = z.input<typeof elbv2StateSchema>;

export function snapshotElbv2(store: Elbv2Store): Elbv2StateFile {
  return {
    loadBalancers: [...store.loadBalancers.values()].map((lb) => ({
      ...lb,
      createdAt: lb.createdAt.toISOString(),
    })),
    targetGroups: [...store.targetGroups.values()],
    listeners: [...store.listeners.values()],
  };
}

export function restoreElbv2(store: Elbv2Store, state: z.output<typeof elbv2StateSchema>): void {
  for (const lb of state.loadBalancers) store.loadBalancers.set(lb.arn, lb);
  for (const group of state.targetGroups) store.targetGroups.set(group.arn, group);
  for (const listener of state.listeners) store.listeners.set(listener.arn, listener);
}
