/**
 * The controller's ServiceAccount and RBAC exactly as the Helm chart renders them (src/chart, whose
 * rules come from controllers/kube/permissions.ts), for a release installed in one namespace: the
 * ClusterRole and its binding, the leader-election Role and its binding (they grant the Lease in the
 * release's namespace only), and the ServiceAccount they name. A test installs them on the full
 * kube-apiserver and runs the controller with that ServiceAccount's token, so every request it sends
 * meets the real RBAC authorizer. Optionally one granted verb is taken out, to prove it is needed.
 */
import { type Manifest, render } from '../../unit/chart/support.js';

/** One thing RBAC grants: a verb on a resource (`plural` or `plural/subresource`) of an API group. */
export interface RbacTriple {
  apiGroup: string;
  resource: string;
  verb: string;
}

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

type RoleManifest = Manifest & { rules: PolicyRule[] };

const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
const isRole = (object: Manifest): object is RoleManifest =>
  object.kind === 'Role' || object.kind === 'ClusterRole';

/**
 * The release of the chart in `namespace`: its own release name, so the cluster-scoped ClusterRole
 * and ClusterRoleBinding of releases in other namespaces do not collide.
 */
export function controllerRelease(namespace: string) {
  const objects = render({}, { name: `switchyard-${namespace}`, namespace, service: 'Helm' });
  const serviceAccount = objects.find((o) => o.kind === 'ServiceAccount');
  if (!serviceAccount) throw new Error('the chart renders no ServiceAccount');
  const name = serviceAccount.metadata.name;
  return {
    namespace,
    serviceAccount: name,
    /** The user the apiserver authenticates the ServiceAccount's token as. */
    username: `system:serviceaccount:${namespace}:${name}`,
    /** The ServiceAccount and the RBAC objects, as rendered. */
    objects: objects.filter((o) => RBAC_KINDS.has(o.kind)),
  };
}

/** Every verb on every resource the rendered Role and ClusterRole grant, in rule order. */
export function grantedTriples(objects: Manifest[]): RbacTriple[] {
  return objects
    .filter(isRole)
    .flatMap((role) =>
      role.rules.flatMap((rule) =>
        rule.apiGroups.flatMap((apiGroup) =>
          rule.resources.flatMap((resource) => rule.verbs.map((verb) => ({ apiGroup, resource, verb }))),
        ),
      ),
    );
}

/** The objects with `triple` taken out of every role; a rule left without verbs is dropped. */
export function withoutTriple(objects: Manifest[], triple: RbacTriple): Manifest[] {
  const grants = (rule: PolicyRule) =>
    rule.apiGroups.includes(triple.apiGroup) && rule.resources.includes(triple.resource);
  return objects.map((object) => {
    if (!isRole(object)) return object;
    const rules = object.rules.flatMap((rule) => {
      if (!grants(rule)) return [rule];
      if (rule.apiGroups.length > 1 || rule.resources.length > 1)
        throw new Error(`rule ${JSON.stringify(rule)} grants more than one group/resource; split it first`);
      const verbs = rule.verbs.filter((verb) => verb !== triple.verb);
      return verbs.length > 0 ? [{ ...rule, verbs }] : [];
    });
    return { ...object, rules };
  });
}

/** `verb group/resource`, e.g. `patch failover.switchyard.dev/failovers/status` (`/events` for the core group). */
export const tripleName = ({ apiGroup, resource, verb }: RbacTriple) => `${verb} ${apiGroup}/${resource}`;
