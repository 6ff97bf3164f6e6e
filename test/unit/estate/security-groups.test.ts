/**
 * Least privilege, read from the rendered estate: the example TradingPlatform is rendered down to
 * MRs, each region's security group rule MRs are turned into rows (group, direction, protocol,
 * port, peer) and compared with the one table of rules we intend. A rule nobody intends fails it,
 * and so does a missing one. Then: every group is used by the resource it is for, and every
 * rule between two groups has its counterpart on the other group.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { forProviderOf, regionOf, renderPlatformMrs, resourceName } from '../../support/estate.js';

const ROLE = 'platform.switchyard.dev/role';
const REGIONS = ['us-east-1', 'us-east-2'] as const;
const RULE_KINDS = { SecurityGroupIngressRule: 'ingress', SecurityGroupEgressRule: 'egress' } as const;

const mrs = renderPlatformMrs(SchemaCatalog.load());

/** The port the region's ALB forwards to and health-checks: the app port of the rules. */
function appPort(region: string): number {
  const groups = mrs.filter((mr) => mr.kind === 'LBTargetGroup' && regionOf(mr) === region);
  expect(groups).toHaveLength(1);
  return forProviderOf<{ port: number }>(groups[0] as KubeObject).port;
}

/** What we intend, per region: `group direction protocol port peer` (peer a group or a CIDR). */
const intended = (app: number) => [
  'alb ingress tcp 443 0.0.0.0/0',
  'alb ingress tcp 80 0.0.0.0/0',
  `alb egress tcp ${app} app`,
  `app ingress tcp ${app} alb`,
  'app egress tcp 3306 database',
  'app egress tcp 443 0.0.0.0/0',
  'database ingress tcp 3306 app',
];

/** Which resource uses each group, through its security group selector. */
const intendedUsers = { alb: ['LB'], app: ['LaunchTemplate'], database: ['Cluster'] };

interface Selector {
  matchControllerRef?: boolean;
  matchLabels?: Record<string, string>;
}
interface RuleForProvider {
  securityGroupIdSelector?: Selector;
  referencedSecurityGroupIdSelector?: Selector;
  cidrIpv4?: string;
  ipProtocol?: string;
  fromPort?: number;
  toPort?: number;
}

/** A rule's group (or peer group) is one of its own XR's groups, named by role. */
function ownGroup(selector: Selector | undefined, what: string): string {
  expect(selector?.matchControllerRef, `${what} selects a group of its own Security XR`).toBe(true);
  return selector?.matchLabels?.[ROLE] ?? '(no role)';
}

function row(rule: KubeObject): string {
  const name = resourceName(rule);
  const p = forProviderOf<RuleForProvider>(rule);
  const group = ownGroup(p.securityGroupIdSelector, name);
  const direction = RULE_KINDS[rule.kind as keyof typeof RULE_KINDS];
  const ports = p.fromPort === p.toPort ? String(p.fromPort) : `${p.fromPort}-${p.toPort}`;
  const peers = [
    p.cidrIpv4,
    p.referencedSecurityGroupIdSelector && ownGroup(p.referencedSecurityGroupIdSelector, name),
  ].filter((peer) => peer !== undefined);
  expect(peers, `${name} has exactly one peer`).toHaveLength(1);
  return `${group} ${direction} ${p.ipProtocol} ${ports} ${peers[0]}`;
}

const rulesIn = (region: string) => mrs.filter((mr) => mr.kind in RULE_KINDS && regionOf(mr) === region);
const groupsIn = (region: string) =>
  mrs.filter((mr) => mr.kind === 'SecurityGroup' && regionOf(mr) === region);

/** `matchLabels` ⊆ the object's labels: what a provider's selector would pick (same namespace). */
const selects = (selector: Selector, object: KubeObject) =>
  Object.entries(selector.matchLabels ?? {}).every(([key, value]) => object.metadata.labels?.[key] === value);

/** The security group selectors of a resource that is not a rule: how a group is used. */
function groupSelectors(mr: KubeObject): Selector[] {
  if (mr.kind in RULE_KINDS || mr.kind === 'SecurityGroup') return [];
  return Object.entries(forProviderOf(mr))
    .filter(([field]) => /securityGroup\w*Selector$/i.test(field))
    .map(([, selector]) => selector as Selector);
}

describe.each(REGIONS)('security groups in %s', (region) => {
  it('have exactly the intended rules (least privilege), as rendered', () => {
    expect(rulesIn(region).map(row).sort()).toEqual(intended(appPort(region)).sort());
  });

  it('allow no protocol but TCP and no port range', () => {
    for (const rule of rulesIn(region)) {
      const p = forProviderOf<RuleForProvider>(rule);
      expect(p.ipProtocol, resourceName(rule)).toBe('tcp');
      expect(p.fromPort, resourceName(rule)).toBe(p.toPort);
    }
  });

  it('are each used by the resource they are for, and every user finds exactly one', () => {
    const groups = groupsIn(region);
    expect(groups.map((group) => group.metadata.labels?.[ROLE]).sort()).toEqual(
      Object.keys(intendedUsers).sort(),
    );
    const users = mrs.filter((mr) => regionOf(mr) === region && groupSelectors(mr).length > 0);
    const usersOf = (group: KubeObject) =>
      users.filter((user) => groupSelectors(user).some((selector) => selects(selector, group)));
    for (const group of groups) {
      const role = group.metadata.labels?.[ROLE] as keyof typeof intendedUsers;
      expect(
        usersOf(group).map((user) => user.kind),
        `users of the ${role} group`,
      ).toEqual(intendedUsers[role]);
    }
    for (const user of users)
      for (const selector of groupSelectors(user))
        expect(
          groups.filter((group) => selects(selector, group)),
          resourceName(user),
        ).toHaveLength(1);
  });

  it('pair every rule between two groups with its counterpart on the other group', () => {
    const rows = rulesIn(region).map(row);
    const groups = new Set(groupsIn(region).map((group) => group.metadata.labels?.[ROLE]));
    const between = rows.filter((line) => groups.has(line.split(' ')[4]));
    expect(between.length).toBeGreaterThan(0);
    for (const line of between) {
      const [group, direction, protocol, port, peer] = line.split(' ');
      const counterpart = `${peer} ${direction === 'egress' ? 'ingress' : 'egress'} ${protocol} ${port} ${group}`;
      expect(rows, `${line} needs ${counterpart}`).toContain(counterpart);
    }
  });
});
