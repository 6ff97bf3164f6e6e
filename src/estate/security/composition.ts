/**
 * Security groups with rules as separate ingress/egress rule MRs (one rule per MR, so a changed
 * rule replaces one object instead of rewriting a group's inline list).
 */
import { ROLE_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { regionLabelPatch } from '../common/region.js';
import { platformSelector } from '../common/selectors.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import type { ComposedTemplate, DirectPatch } from '../patch-and-transform/types.js';
import { securityIdentity } from './identity.js';

export const SECURITY_GROUP_ROLES = ['alb', 'app', 'database', 'controller'] as const;
type Role = (typeof SECURITY_GROUP_ROLES)[number];

const descriptions: Record<Role, string> = {
  alb: 'Switchyard ALB: HTTPS and HTTP from the internet',
  app: 'Switchyard app instances: app port from the ALB only',
  database: 'Switchyard Aurora: MySQL from the app only',
  controller: 'Switchyard failover controller: egress to AWS APIs and Aurora',
};

const group = (role: Role) => selectOwn({ [ROLE_LABEL]: role });

interface Rule {
  name: string;
  kind: 'SecurityGroupIngressRule' | 'SecurityGroupEgressRule';
  on: Role;
  port?: number | 'app';
  from?: Role;
  cidr?: string;
  description: string;
}

const rules: Rule[] = [
  {
    name: 'alb-in-https',
    kind: 'SecurityGroupIngressRule',
    on: 'alb',
    port: 443,
    cidr: '0.0.0.0/0',
    description: 'HTTPS from the internet',
  },
  {
    name: 'alb-in-http',
    kind: 'SecurityGroupIngressRule',
    on: 'alb',
    port: 80,
    cidr: '0.0.0.0/0',
    description: 'HTTP from the internet (redirect)',
  },
  {
    name: 'alb-out-app',
    kind: 'SecurityGroupEgressRule',
    on: 'alb',
    port: 'app',
    from: 'app',
    description: 'to the app instances',
  },
  {
    name: 'app-in-alb',
    kind: 'SecurityGroupIngressRule',
    on: 'app',
    port: 'app',
    from: 'alb',
    description: 'app port from the ALB',
  },
  {
    name: 'app-out-all',
    kind: 'SecurityGroupEgressRule',
    on: 'app',
    cidr: '0.0.0.0/0',
    description: 'outbound via NAT',
  },
  {
    name: 'database-in-app',
    kind: 'SecurityGroupIngressRule',
    on: 'database',
    port: 3306,
    from: 'app',
    description: 'MySQL from the app',
  },
  {
    name: 'controller-out-https',
    kind: 'SecurityGroupEgressRule',
    on: 'controller',
    port: 443,
    cidr: '0.0.0.0/0',
    description: 'AWS APIs',
  },
  {
    name: 'controller-out-database',
    kind: 'SecurityGroupEgressRule',
    on: 'controller',
    port: 3306,
    from: 'database',
    description: 'Aurora',
  },
];

function ruleResource(rule: Rule): ComposedTemplate {
  const forProvider: Record<string, unknown> = {
    securityGroupIdSelector: group(rule.on),
    description: rule.description,
    ipProtocol: rule.port === undefined ? '-1' : 'tcp',
  };
  if (typeof rule.port === 'number') Object.assign(forProvider, { fromPort: rule.port, toPort: rule.port });
  if (rule.cidr) forProvider.cidrIpv4 = rule.cidr;
  if (rule.from) forProvider.referencedSecurityGroupIdSelector = group(rule.from);
  const patches: DirectPatch[] =
    rule.port === 'app'
      ? [
          fromComposite('spec.appPort', 'spec.forProvider.fromPort'),
          fromComposite('spec.appPort', 'spec.forProvider.toPort'),
        ]
      : [];
  return managed({
    name: `rule-${rule.name}`,
    service: 'ec2',
    kind: rule.kind,
    region: 'fromXr',
    forProvider,
    patches,
  });
}

export function securityResources(): ComposedTemplate[] {
  const groups = SECURITY_GROUP_ROLES.map((role) =>
    managed({
      name: `security-group-${role}`,
      service: 'ec2',
      kind: 'SecurityGroup',
      region: 'fromXr',
      labels: { [ROLE_LABEL]: role },
      forProvider: { description: descriptions[role], vpcIdSelector: { matchLabels: {} } },
      patches: [
        regionLabelPatch,
        ...platformSelector('spec.forProvider.vpcIdSelector', { regionFromXr: true }),
        toComposite('status.atProvider.id', `status.securityGroupIds.${role}`),
      ],
    }),
  );
  return [...groups, ...rules.map(ruleResource)];
}

export function securityCompositions(): PipelineCompositionProps[] {
  return [
    {
      name: securityIdentity.compositionName(),
      compositeTypeRef: securityIdentity.compositeTypeRef,
      patchSets: commonPatchSets,
      resources: securityResources(),
    },
  ];
}
