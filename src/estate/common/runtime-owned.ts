/**
 * The managed-resource fields that are runtime state (ARCHITECTURE §4, ADR 0005 "Runtime-owned
 * fields"): the failover controller, the scaling policy or Aurora on the controller's behalf change
 * them in AWS, so nothing from Git may assert them after creation. Declared once here: `managed()`
 * refuses a template that puts one in forProvider (literally or by a patch) or composes a kind that
 * has one without the runtime-owned management policies, the compositions name their initProvider
 * paths through `initProviderPath`, and the static check (test/unit/estate/runtime-owned.test.ts)
 * reads this list over every rendered MR.
 */

/** service → kind → forProvider fields that are runtime-owned. */
export const RUNTIME_OWNED_FIELDS = {
  // The controller scales the standby up and a drained region down; the target-tracking policy too.
  autoscaling: { AutoscalingGroup: ['desiredCapacity'] },
  rds: {
    // Global membership (an unplanned failover detaches the old primary) and the bootstrap writer's
    // credentials: which cluster writes later is Aurora state.
    Cluster: [
      'globalClusterIdentifier',
      'masterUsername',
      'manageMasterUserPassword',
      'replicationSourceIdentifier',
    ],
    // The global cluster's source is whichever member writes, which the controller changes.
    GlobalCluster: [
      'sourceDbClusterIdentifier',
      'sourceDbClusterIdentifierRef',
      'sourceDbClusterIdentifierSelector',
    ],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;

type Owned = typeof RUNTIME_OWNED_FIELDS;

/** The runtime-owned fields of a provider-aws kind (none for most kinds). */
export function runtimeOwnedFieldsOf(service: string, kind: string): readonly string[] {
  const kinds: Readonly<Record<string, readonly string[]>> | undefined = (
    RUNTIME_OWNED_FIELDS as Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>
  )[service];
  return kinds?.[kind] ?? [];
}

/** `spec.initProvider.<field>` of a declared runtime-owned field: sent on Create only, never enforced. */
export function initProviderPath<S extends keyof Owned, K extends keyof Owned[S]>(
  _service: S,
  _kind: K,
  field: Owned[S][K] extends readonly (infer F)[] ? F & string : never,
): string {
  return `spec.initProvider.${field}`;
}
