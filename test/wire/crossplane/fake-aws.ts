/**
 * An in-memory AWS behind the LocalProvider seam, for testing local/crossplane's runtime: every
 * `*.aws.m.upbound.io` kind is served, create and delete are instant and recorded, and the test
 * can hold a kind back (observed but not ready, no `dnsName` yet) or make one resource's create fail.
 */
import type {
  HandlerContext,
  LocalProvider,
  ManagedResource,
  ManagedResourceHandler,
  Observation,
} from '../../../local/crossplane/provider.js';

export interface Call {
  operation: 'create' | 'update' | 'delete';
  kind: string;
  namespace: string;
  name: string;
  forProvider: Record<string, unknown>;
}

interface Resource {
  externalName: string;
  kind: string;
  forProvider: Record<string, unknown>;
}

const GROUP_SUFFIX = '.aws.m.upbound.io';
export const RECORD_ONLY_KIND = 'TopicSubscription';

export class FakeAws implements LocalProvider {
  readonly calls: Call[] = [];
  readonly resources = new Map<string, Resource>();
  /** Kinds observed as still being created (no dnsName) until released. */
  readonly heldKinds = new Set<string>();
  /** MR names whose create throws this message. */
  readonly failures = new Map<string, string>();
  private counter = 0;

  handlerFor(apiVersion: string, _kind: string): ManagedResourceHandler | undefined {
    if (!apiVersion.split('/')[0]?.endsWith(GROUP_SUFFIX)) return undefined;
    return {
      observe: async (mr) => this.observe(mr),
      create: async (mr, context) => {
        this.createAttempts.set(mr.metadata.name, (this.createAttempts.get(mr.metadata.name) ?? 0) + 1);
        await this.requireVpc(mr, context);
        this.create(mr);
      },
      update: async (mr) => this.update(mr),
      delete: async (mr) => this.remove(mr),
    };
  }

  isRecordOnly(_apiVersion: string, kind: string): boolean {
    return kind === RECORD_ONLY_KIND;
  }

  callsOf(operation: Call['operation']): Call[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  private key(mr: ManagedResource): string {
    return `${mr.metadata.namespace ?? ''}/${mr.kind}/${mr.metadata.name}`;
  }

  private record(operation: Call['operation'], mr: ManagedResource) {
    this.calls.push({
      operation,
      kind: mr.kind,
      namespace: mr.metadata.namespace ?? '',
      name: mr.metadata.name,
      forProvider: structuredClone(mr.spec.forProvider),
    });
  }

  /**
   * In namespace `refs`, a resource with `vpcIdRef`/`vpcIdSelector` needs that VPC to exist and be
   * Ready first, as AWS needs the VPC id (found with the reconciler's ReferenceLookup).
   */
  private async requireVpc(mr: ManagedResource, context: HandlerContext): Promise<void> {
    if (mr.metadata.namespace !== 'refs') return;
    const forProvider = mr.spec.forProvider as {
      vpcIdRef?: { name: string };
      vpcIdSelector?: { matchLabels?: Record<string, string>; matchControllerRef?: boolean };
    };
    const reference = forProvider.vpcIdRef ?? forProvider.vpcIdSelector;
    if (!reference) return;
    const vpc = await context.lookup(
      { apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC' },
      mr,
      reference,
    );
    const ready = (vpc?.status?.conditions as { type: string; status: string }[] | undefined)?.some(
      (condition) => condition.type === 'Ready' && condition.status === 'True',
    );
    if (!vpc || !ready) throw new Error(`referenced VPC ${JSON.stringify(reference)} is not ready`);
    this.references.set(`${mr.kind}/${mr.metadata.name}`, vpc.metadata.name);
  }

  /** Create calls per MR name, those refused for a missing reference included. */
  readonly createAttempts = new Map<string, number>();

  /** Which VPC each resource of namespace `refs` was created against. */
  readonly references = new Map<string, string>();

  private observe(mr: ManagedResource): Observation | undefined {
    const found = this.resources.get(this.key(mr));
    if (!found) return undefined;
    const held = this.heldKinds.has(mr.kind);
    const id = found.externalName;
    const region = String(mr.spec.forProvider.region ?? 'us-east-1');
    const arn = arnOf(mr.kind, region, id);
    return {
      externalName: id,
      ready: !held,
      upToDate: Object.entries(mr.spec.forProvider).every(
        ([field, value]) => JSON.stringify(found.forProvider[field]) === JSON.stringify(value),
      ),
      ...(held ? { message: 'provisioning' } : {}),
      atProvider: {
        id,
        arn,
        arnSuffix: arn
          .split(':')
          .pop()
          ?.replace(/^loadbalancer\//, ''),
        zoneId: 'Z35SXDOTRQ7X7K',
        endpoint: `${id}.cluster.${region}.rds.amazonaws.com`,
        readerEndpoint: `${id}.cluster-ro.${region}.rds.amazonaws.com`,
        acceptStatus: 'active',
        ...(typeof mr.spec.forProvider.cidrBlock === 'string'
          ? { cidrBlock: mr.spec.forProvider.cidrBlock }
          : {}),
        ...(mr.kind === 'LB' && !held ? { dnsName: `${id}.${region}.elb.amazonaws.com` } : {}),
      },
    };
  }

  private create(mr: ManagedResource): void {
    this.record('create', mr);
    const failure = this.failures.get(mr.metadata.name);
    if (failure) throw new Error(failure);
    // As upjet: an external name set beforehand (by the composition) names the resource; else AWS does.
    const preset = mr.metadata.annotations?.['crossplane.io/external-name'];
    this.resources.set(this.key(mr), {
      externalName: preset ?? `${mr.kind.toLowerCase()}-${++this.counter}`,
      kind: mr.kind,
      forProvider: structuredClone(mr.spec.forProvider),
    });
  }

  private update(mr: ManagedResource): void {
    this.record('update', mr);
    const found = this.resources.get(this.key(mr));
    if (found) found.forProvider = structuredClone(mr.spec.forProvider);
  }

  private remove(mr: ManagedResource): void {
    this.record('delete', mr);
    this.resources.delete(this.key(mr));
  }
}

export type { HandlerContext };

/** ARNs in AWS's formats where the estate parses them (ELBv2 ARN suffixes), a generic one otherwise. */
function arnOf(kind: string, region: string, id: string): string {
  const prefix = `arn:aws:elasticloadbalancing:${region}:123456789012`;
  if (kind === 'LB') return `${prefix}:loadbalancer/app/${id}/50dc6c495c0c9188`;
  if (kind === 'LBTargetGroup') return `${prefix}:targetgroup/${id}/73e2d6bc24d8a067`;
  return `arn:aws:${kind.toLowerCase()}:${region}:123456789012:${id}`;
}
