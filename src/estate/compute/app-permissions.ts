/**
 * What the app servers may do in AWS, written once: the list below is their role's policy
 * (instance-role.ts builds the document from it with the estate's deterministic names), and the
 * tests read the rendered document back. Least privilege for what the app needs in its own region:
 * the session table, its region's data bucket, and what the CloudWatch agent publishes. The SSM
 * agent gets AWS's managed AmazonSSMManagedInstanceCore instead of a copy of it: AWS changes that
 * policy with its agent, and a copy would fall behind.
 */
import { type Permission, policyDocument } from '../../iam/policy-document.js';
import { appLogGroupPrefix, dataBucketName, sessionsTableName } from '../common/names.js';

export type AppResourceKind =
  /** The session table (a global table: the app uses the replica of the region it runs in). */
  | 'sessions-table'
  /** The data bucket of the app's region, for listing. */
  | 'data-bucket'
  /** The objects in that bucket. */
  | 'data-objects'
  /** The app's log groups, `/<platformId>/app/…`, and their streams. */
  | 'log-groups';

type AppConditionValue = 'agent-metric-namespace';

export const APP_PERMISSIONS: readonly Permission<AppResourceKind, AppConditionValue>[] = [
  { action: 'dynamodb:GetItem', resources: ['sessions-table'], usedBy: 'the app: read a session' },
  { action: 'dynamodb:PutItem', resources: ['sessions-table'], usedBy: 'the app: start a session' },
  { action: 'dynamodb:UpdateItem', resources: ['sessions-table'], usedBy: 'the app: extend a session' },
  {
    action: 'dynamodb:DeleteItem',
    resources: ['sessions-table'],
    usedBy: 'the app: end a session (the TTL removes expired ones)',
  },
  { action: 's3:ListBucket', resources: ['data-bucket'], usedBy: 'the app: list its region’s data' },
  { action: 's3:GetObject', resources: ['data-objects'], usedBy: 'the app: read data' },
  { action: 's3:PutObject', resources: ['data-objects'], usedBy: 'the app: write data (replicated by S3)' },
  {
    action: 's3:DeleteObject',
    resources: ['data-objects'],
    usedBy: 'the app: delete data (a delete marker: the bucket is versioned)',
  },
  {
    action: 'cloudwatch:PutMetricData',
    resources: ['any'],
    condition: { key: 'cloudwatch:namespace', value: 'agent-metric-namespace' },
    usedBy: 'the CloudWatch agent: host metrics, in its default namespace only',
  },
  {
    action: 'ec2:DescribeTags',
    resources: ['any'],
    usedBy: 'the CloudWatch agent: the instance’s Auto Scaling group name as a metric dimension',
  },
  {
    action: 'logs:CreateLogGroup',
    resources: ['log-groups'],
    usedBy: 'the CloudWatch agent: the app’s log groups',
  },
  {
    action: 'logs:CreateLogStream',
    resources: ['log-groups'],
    usedBy: 'the CloudWatch agent: one per instance',
  },
  {
    action: 'logs:PutLogEvents',
    resources: ['log-groups'],
    usedBy: 'the CloudWatch agent: ship the app’s logs',
  },
  {
    action: 'logs:DescribeLogStreams',
    resources: ['log-groups'],
    usedBy: 'the CloudWatch agent: resume a stream after a restart',
  },
];

/** The CloudWatch agent's default metric namespace; an agent configured for another one is denied. */
export const AGENT_METRIC_NAMESPACE = 'CWAgent';

/** AWS's managed policy for the SSM agent (Session Manager, Run Command, inventory). */
export const SSM_MANAGED_INSTANCE_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

/** What the document's ARNs are made of: the XR's account, region and platform id (or P&T markers). */
export interface AppScope {
  account: string;
  region: string;
  platformId: string;
}

/** The ARNs of each resource kind, from the same names the sessions and storage compositions use. */
export function appResources({ account, region, platformId }: AppScope): Record<AppResourceKind, string[]> {
  const bucket = `arn:aws:s3:::${dataBucketName(platformId, region)}`;
  return {
    'sessions-table': [`arn:aws:dynamodb:${region}:${account}:table/${sessionsTableName(platformId)}`],
    'data-bucket': [bucket],
    'data-objects': [`${bucket}/*`],
    // `*` also matches `:log-stream:<name>`, so the groups' streams are covered.
    'log-groups': [`arn:aws:logs:${region}:${account}:log-group:${appLogGroupPrefix(platformId)}*`],
  };
}

export const appPolicy = (scope: AppScope) =>
  policyDocument(APP_PERMISSIONS, appResources(scope), { 'agent-metric-namespace': AGENT_METRIC_NAMESPACE });
