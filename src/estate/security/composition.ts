/**
 * Security groups with rules as separate ingress/egress rule MRs (one rule per MR, so a changed
 * rule replaces one object instead of rewriting a group's inline list). The rules come from the
 * flows of groups.ts; the provider removes the default allow-all egress rule AWS gives a new
 * group, so each group has exactly these rules.
 */
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { regionLabelPatch } from '../common/region.js';
import { platformSelector } from '../common/selectors.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import type { ComposedTemplate, DirectPatch } from '../patch-and-transform/types.js';
import {
  APP_PORT,
  type GroupRule,
  groupRules,
  SECURITY_GROUP_ROLES,
  type SecurityGroupRole,
  securityGroupLabels,
} from './groups.js';
import { securityIdentity } from './identity.js';

const descriptions: Record<SecurityGroupRole, string> = {
  alb: 'Switchyard ALB: HTTPS and HTTP from the internet',
  app: 'Switchyard app instances: app port from the ALB only',
  database: 'Switchyard Aurora: MySQL from the app only',
};

const group = (role: SecurityGroupRole) => selectOwn(securityGroupLabels(role));

function ruleResource(rule: GroupRule): ComposedTemplate {
  const forProvider: Record<string, unknown> = {
    securityGroupIdSelector: group(rule.group),
    description: rule.description,
    ipProtocol: 'tcp',
    ...('cidr' in rule.peer
      ? { cidrIpv4: rule.peer.cidr }
      : { referencedSecurityGroupIdSelector: group(rule.peer.group) }),
    ...(rule.port === APP_PORT ? {} : { fromPort: rule.port, toPort: rule.port }),
  };
  const patches: DirectPatch[] =
    rule.port === APP_PORT
      ? [
          fromComposite('spec.appPort', 'spec.forProvider.fromPort'),
          fromComposite('spec.appPort', 'spec.forProvider.toPort'),
        ]
      : [];
  return managed({
    name: `rule-${rule.name}`,
    service: 'ec2',
    kind: rule.direction === 'egress' ? 'SecurityGroupEgressRule' : 'SecurityGroupIngressRule',
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
      labels: securityGroupLabels(role),
      forProvider: { description: descriptions[role], vpcIdSelector: { matchLabels: {} } },
      patches: [
        regionLabelPatch,
        ...platformSelector('spec.forProvider.vpcIdSelector', { regionFromXr: true }),
        toComposite('status.atProvider.id', `status.securityGroupIds.${role}`),
      ],
    }),
  );
  return [...groups, ...groupRules().map(ruleResource)];
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
