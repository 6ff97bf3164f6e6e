/**
 * The app servers' identity: each region's launch template runs with an instance profile whose
 * role EC2 assumes, and whose policy grants exactly what the app needs in that region (the
 * session table's replica there, that region's data bucket) and what the CloudWatch agent
 * publishes, plus AWS's managed SSM policy. The table and bucket ARNs are checked against what
 * the SessionStore and Storage XRs of the same TradingPlatform actually compose.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { REGION_PAIR } from '../../../src/estate/common/parameters.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  byResourceName,
  exampleXr,
  forProviderOf,
  isManaged,
  regionOf,
  renderXr,
  resourceName,
} from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const ACCOUNT = '123456789012';

const externalName = (object: KubeObject) => object.metadata.annotations?.['crossplane.io/external-name'];
const ownedBy = (resources: KubeObject[], compute: string) =>
  resources.filter((object) => object.metadata.ownerReferences?.some((owner) => owner.name === compute));

interface Statement {
  Sid: string;
  Effect: string;
  Action: string;
  Resource: string | string[];
  Condition?: unknown;
}

describe('the app servers’ instance role', () => {
  const platform = exampleXr('trading-platform.yaml');
  const resources = renderXr(platform, { catalog, recursive: true }).resources;
  const mrs = resources.filter(isManaged);
  const computeOf = (region: string) => {
    const compute = resources.find((object) => object.kind === 'Compute' && object.spec?.region === region);
    if (!compute) throw new Error(`no Compute XR for ${region}`);
    // A composed XR has only a generateName; the recursive render names it after its resource name.
    return ownedBy(resources, `${compute.metadata.generateName}${resourceName(compute)}`);
  };
  /** What the SessionStore and Storage XRs compose: the table's name, each region's bucket name. */
  const tableName = externalName(mrs.find((object) => object.kind === 'Table') as KubeObject);
  const bucketName = (region: string) =>
    externalName(mrs.find((object) => object.kind === 'Bucket' && regionOf(object) === region) as KubeObject);

  it.each(REGION_PAIR)(
    '%s: exactly the app’s and the CloudWatch agent’s actions, on that region’s table replica, data bucket and log groups',
    (region) => {
      const policy = byResourceName(computeOf(region), 'instance-policy');
      expect(externalName(policy)).toBe(`trading-app-${region}`);
      const document = JSON.parse(String(forProviderOf(policy).policy)) as {
        Version: string;
        Statement: Statement[];
      };
      const table = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${tableName}`;
      const bucket = `arn:aws:s3:::${bucketName(region)}`;
      const logs = `arn:aws:logs:${region}:${ACCOUNT}:log-group:/trading/app/*`;
      expect(document.Version).toBe('2012-10-17');
      expect(
        document.Statement.map(({ Action, Resource, Condition }) => [Action, Resource, Condition]),
      ).toEqual([
        ['dynamodb:GetItem', table, undefined],
        ['dynamodb:PutItem', table, undefined],
        ['dynamodb:UpdateItem', table, undefined],
        ['dynamodb:DeleteItem', table, undefined],
        ['s3:ListBucket', bucket, undefined],
        ['s3:GetObject', `${bucket}/*`, undefined],
        ['s3:PutObject', `${bucket}/*`, undefined],
        ['s3:DeleteObject', `${bucket}/*`, undefined],
        ['cloudwatch:PutMetricData', '*', { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } }],
        ['ec2:DescribeTags', '*', undefined],
        ['logs:CreateLogGroup', logs, undefined],
        ['logs:CreateLogStream', logs, undefined],
        ['logs:PutLogEvents', logs, undefined],
        ['logs:DescribeLogStreams', logs, undefined],
      ]);
      expect(document.Statement.every((statement) => statement.Effect === 'Allow')).toBe(true);
      expect(new Set(document.Statement.map((statement) => statement.Sid)).size).toBe(
        document.Statement.length,
      );
      // The names are the ones the other XRs compose, not a copy of them.
      expect([tableName, bucketName(region)]).toEqual([
        'trading-sessions',
        `trading-switchyard-data-${region}`,
      ]);
    },
  );

  it.each(REGION_PAIR)(
    '%s: a role only EC2 assumes, with that policy and AWS’s SSM core policy, behind the launch template’s instance profile',
    (region) => {
      const composed = computeOf(region);
      const role = byResourceName(composed, 'instance-role');
      expect(externalName(role)).toBe(`trading-app-${region}`);
      expect(JSON.parse(String(forProviderOf(role).assumeRolePolicy))).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      });
      expect(
        composed
          .filter((object) => object.kind === 'RolePolicyAttachment')
          .map((attachment) => forProviderOf(attachment)),
      ).toEqual([
        { roleSelector: { matchControllerRef: true }, policyArnSelector: { matchControllerRef: true } },
        {
          roleSelector: { matchControllerRef: true },
          policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
        },
      ]);
      const profile = byResourceName(composed, 'instance-profile');
      expect(externalName(profile)).toBe(`trading-app-${region}`);
      expect(forProviderOf(profile)).toMatchObject({ roleSelector: { matchControllerRef: true } });
      expect(forProviderOf(byResourceName(composed, 'launch-template')).iamInstanceProfile).toEqual({
        arnSelector: { matchControllerRef: true },
      });
      // One role, one policy and one profile per Compute, so the selectors cannot pick another.
      expect(
        composed
          .filter((object) => object.apiVersion.startsWith('iam.'))
          .map((object) => object.kind)
          .sort(),
      ).toEqual(['InstanceProfile', 'Policy', 'Role', 'RolePolicyAttachment', 'RolePolicyAttachment']);
    },
  );

  it('user data: the XR’s text, base64-encoded into each launch template; none without it', () => {
    for (const region of REGION_PAIR) {
      const template = forProviderOf(byResourceName(computeOf(region), 'launch-template'));
      expect(Buffer.from(String(template.userData), 'base64').toString('utf8')).toBe(platform.spec?.userData);
    }
    const without = exampleXr('compute-us-east-1.yaml');
    delete without.spec?.userData;
    const template = forProviderOf(
      byResourceName(renderXr(without, { catalog }).resources, 'launch-template'),
    );
    expect(template).not.toHaveProperty('userData');
  });
});
