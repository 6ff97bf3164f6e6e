/**
 * Which kinds the local provider serves and how record-only kinds are observed (no AWS call, so
 * no simulator here): ids shaped like AWS's, derived from the MR, stable across calls.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ManagedResource } from '../../local/crossplane/provider.js';
import {
  EXTERNAL_NAME_ANNOTATION,
  elbNameOf,
  localAwsProvider,
} from '../../local/crossplane/provider-aws/index.js';

// Nothing is called: the endpoint is never contacted by record-only handlers.
const provider = localAwsProvider({ endpoint: 'http://127.0.0.1:9', log: pino({ level: 'silent' }) });
const lookup = async () => undefined;

const mr = (
  service: string,
  kind: string,
  name: string,
  forProvider: Record<string, unknown>,
  annotations: Record<string, string> = {},
): ManagedResource => ({
  apiVersion: `${service}.aws.m.upbound.io/v1beta1`,
  kind,
  metadata: { name, namespace: 'trading', annotations },
  spec: { forProvider },
});

describe('local provider kinds', () => {
  it('models the failover path and records everything else of its groups; other groups are not its own', () => {
    expect(provider.isRecordOnly('rds.aws.m.upbound.io/v1beta1', 'Cluster')).toBe(false);
    expect(provider.isRecordOnly('elbv2.aws.m.upbound.io/v1beta1', 'LB')).toBe(false);
    expect(provider.isRecordOnly('ec2.aws.m.upbound.io/v1beta1', 'VPC')).toBe(true);
    expect(provider.isRecordOnly('iam.aws.m.upbound.io/v1beta1', 'Role')).toBe(true);
    expect(provider.handlerFor('ec2.aws.m.upbound.io/v1beta1', 'VPC')).toBeDefined();
    // Cluster-scoped (legacy) kinds and other groups are not this provider's.
    expect(provider.handlerFor('rds.aws.upbound.io/v1beta1', 'Cluster')).toBeUndefined();
    expect(provider.handlerFor('platform.switchyard.dev/v1alpha1', 'Compute')).toBeUndefined();
    expect(provider.isRecordOnly('platform.switchyard.dev/v1alpha1', 'Compute')).toBe(false);
  });

  it('observes record-only kinds Ready with AWS-shaped ids and ARNs derived from the MR', async () => {
    const observe = (resource: ManagedResource) =>
      provider.handlerFor(resource.apiVersion, resource.kind)?.observe(resource, { lookup });
    const vpc = await observe(
      mr('ec2', 'VPC', 'network-vpc', { region: 'us-east-2', cidrBlock: '10.1.0.0/16' }),
    );
    expect(vpc?.ready).toBe(true);
    expect(vpc?.externalName).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(vpc?.atProvider).toMatchObject({
      cidrBlock: '10.1.0.0/16',
      arn: `arn:aws:ec2:us-east-2:123456789012:vpc/${vpc?.externalName}`,
    });
    // Same MR, same id; another MR, another id.
    expect((await observe(mr('ec2', 'VPC', 'network-vpc', { region: 'us-east-2' })))?.externalName).toBe(
      vpc?.externalName,
    );
    expect((await observe(mr('ec2', 'VPC', 'other-vpc', { region: 'us-east-2' })))?.externalName).not.toBe(
      vpc?.externalName,
    );

    const role = await observe(
      mr('iam', 'Role', 'r', {}, { [EXTERNAL_NAME_ANNOTATION]: 'trading-app-us-east-1' }),
    );
    expect(role?.atProvider.arn).toBe('arn:aws:iam::123456789012:role/trading-app-us-east-1');
    const key = await observe(mr('kms', 'Key', 'k', { region: 'us-east-1' }));
    expect(key?.atProvider.arn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);

    // An observed external name is kept as it is (an SNS topic's is its ARN).
    const topic = await observe(
      mr('sns', 'Topic', 't', { region: 'us-east-1' }, { [EXTERNAL_NAME_ANNOTATION]: 'alerts' }),
    );
    expect(topic?.externalName).toBe('arn:aws:sns:us-east-1:123456789012:alerts');
    const again = await observe(
      mr(
        'sns',
        'Topic',
        't',
        { region: 'us-east-1' },
        { [EXTERNAL_NAME_ANNOTATION]: topic?.externalName ?? '' },
      ),
    );
    expect(again?.externalName).toBe(topic?.externalName);
  });

  it('names load balancers within ELB’s 32 characters, stably', () => {
    const long = mr('elbv2', 'LB', 'trading-compute-us-east-1-load-balancer', {});
    expect(elbNameOf(long)).toMatch(/^trading-compute-us-east-1-[0-9a-f]{6}$/);
    expect(elbNameOf(long).length).toBeLessThanOrEqual(32);
    expect(elbNameOf(long)).toBe(elbNameOf(structuredClone(long)));
    expect(elbNameOf(mr('elbv2', 'LBTargetGroup', 'tg', { name: 'trading-app-us-east-1' }))).toBe(
      'trading-app-us-east-1',
    );
  });
});
