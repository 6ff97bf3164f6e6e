/**
 * The app servers' identity: an IAM role EC2 assumes, its policy (app-permissions.ts, on the ARNs
 * of the session table and this region's data bucket by their deterministic names, so it is
 * complete before they exist), AWS's managed SSM policy, and the instance profile the launch
 * template names. IAM is global, so every name carries the region: `<platformId>-app-<region>`.
 */
import { serviceTrustPolicy } from '../../iam/policy-document.js';
import { managed, selectOwn } from '../common/managed.js';
import { APP_NAME_COMBINE, EXTERNAL_NAME } from '../common/names.js';
import { combineFromComposite, combineTemplate, toComposite } from '../patch-and-transform/patches.js';
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import { type AppScope, appPolicy, SSM_MANAGED_INSTANCE_CORE } from './app-permissions.js';

/** The XR fields behind the `{{…}}` markers of the policy document. */
const FIELDS: Record<keyof AppScope, string> = {
  account: 'spec.accountId',
  region: 'spec.region',
  platformId: 'spec.platformId',
};
const MARKERS: AppScope = { account: '{{account}}', region: '{{region}}', platformId: '{{platformId}}' };

const appIamName = combineFromComposite(['spec.platformId', 'spec.region'], APP_NAME_COMBINE, EXTERNAL_NAME);

export function instanceRoleResources(): ComposedTemplate[] {
  return [
    managed({
      name: 'instance-role',
      service: 'iam',
      kind: 'Role',
      forProvider: {
        description: 'Switchyard app servers',
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy('ec2.amazonaws.com')),
      },
      patches: [appIamName, toComposite('status.atProvider.arn', 'status.instanceRoleArn')],
    }),
    managed({
      name: 'instance-policy',
      service: 'iam',
      kind: 'Policy',
      forProvider: {
        description:
          'The app servers: the session table, their region’s data bucket, the CloudWatch agent (src/estate/compute/app-permissions.ts)',
      },
      patches: [
        appIamName,
        combineTemplate(JSON.stringify(appPolicy(MARKERS)), FIELDS, 'spec.forProvider.policy'),
      ],
    }),
    managed({
      name: 'instance-role-policy',
      service: 'iam',
      kind: 'RolePolicyAttachment',
      forProvider: { roleSelector: selectOwn(), policyArnSelector: selectOwn() },
    }),
    managed({
      name: 'instance-role-ssm',
      service: 'iam',
      kind: 'RolePolicyAttachment',
      forProvider: { roleSelector: selectOwn(), policyArn: SSM_MANAGED_INSTANCE_CORE },
    }),
    managed({
      name: 'instance-profile',
      service: 'iam',
      kind: 'InstanceProfile',
      forProvider: { roleSelector: selectOwn() },
      patches: [appIamName, toComposite('status.atProvider.arn', 'status.instanceProfileArn')],
    }),
  ];
}
