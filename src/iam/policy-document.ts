/**
 * IAM identity-policy documents built from a permission list: one Allow statement per action, on
 * exactly the ARNs of the resource kinds it names (`*` where IAM has no resource-level permissions
 * for it), narrowed by a StringEquals condition where there is one. The failover controller's
 * policy (controllers/aws/permissions.ts) and the app servers' (src/estate/compute) are written
 * this way: the list says what is granted and why, the document follows from it.
 */

/** The resource kind of an action without resource-level permissions: the statement is on `*`. */
export const ANY_RESOURCE = 'any';

export interface Permission<Kind extends string, Value extends string = never> {
  /** `service:Operation`, as IAM names it. */
  action: string;
  resources: readonly (Kind | typeof ANY_RESOURCE)[];
  /** A `StringEquals` condition the action is granted under; the value is looked up by name. */
  condition?: { key: string; value: Value };
  /** Which code makes the calls. */
  usedBy: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string;
  Resource: string | string[];
  Condition?: { StringEquals: Record<string, string> };
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** `rds:DescribeGlobalClusters` → `RdsDescribeGlobalClusters` (a Sid is alphanumeric). */
export const statementId = (action: string) =>
  action
    .split(':')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * The document granting `permissions`: `arns` gives the ARNs of each resource kind, `values` the
 * value of each named condition value.
 */
export function policyDocument<Kind extends string, Value extends string = never>(
  permissions: readonly Permission<Kind, Value>[],
  arns: Readonly<Record<Kind, readonly string[]>>,
  values?: Readonly<Record<Value, string>>,
): PolicyDocument {
  const statement = (permission: Permission<Kind, Value>): PolicyStatement => {
    const resources = permission.resources.includes(ANY_RESOURCE)
      ? ['*']
      : [
          ...new Set(
            permission.resources.flatMap((kind) => (kind === ANY_RESOURCE ? [] : arns[kind as Kind])),
          ),
        ];
    const condition = permission.condition;
    const value = condition && values?.[condition.value];
    if (condition && value === undefined)
      throw new Error(`${permission.action}: no value for the condition value ${condition.value}`);
    return {
      Sid: statementId(permission.action),
      Effect: 'Allow',
      Action: permission.action,
      Resource: resources.length === 1 ? (resources[0] ?? '*') : resources,
      ...(condition && value !== undefined
        ? { Condition: { StringEquals: { [condition.key]: value } } }
        : {}),
    };
  };
  return { Version: '2012-10-17', Statement: permissions.map(statement) };
}

/** A role's trust policy letting an AWS service (`ec2.amazonaws.com`, `s3.amazonaws.com`) assume it. */
export const serviceTrustPolicy = (service: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
});
