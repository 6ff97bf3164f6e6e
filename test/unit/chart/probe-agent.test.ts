/**
 * The chart in probe-agent mode (`mode: probe-agent`, ADR 0008): the probe-only agent of a vantage
 * in a third place, writing into the standby's cluster through a kubeconfig from a Secret. The
 * Deployment's args are what controllers/main.ts accepts as --probe-only, the kubeconfig is mounted
 * read-only where --kubeconfig points, there is no Lease and no local RBAC, and the RBAC for the
 * standby's cluster (charts/switchyard/remote/) is exactly PROBE_AGENT_PERMISSIONS.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PROBE_AGENT_PERMISSIONS } from '../../../controllers/kube/permissions.js';
import { REMOTE_RBAC_FILE } from '../../../src/chart/remote.js';
import { chartValuesSchema } from '../../../src/chart/values.js';
import { addGeneratedCharts, renderGeneratedFiles } from '../../../src/generate/generated-files.js';
import { isAllowed, type RbacGrant, type RbacRule } from './rbac-proxy.js';
import {
  chartValues,
  controllerArgsOf,
  deploymentOf,
  grantsOf,
  type Manifest,
  only,
  PROBE_AGENT_VALUES,
  RELEASE,
  render,
  repoRoot,
} from './support.js';

const issuesOf = (values: object) => {
  const result = chartValuesSchema.safeParse(values);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('the chart in probe-agent mode', () => {
  it('runs controllers/main.ts --probe-only for the vantage, with the standby cluster’s kubeconfig and no leader election', () => {
    const objects = render(PROBE_AGENT_VALUES);
    const values = chartValues(PROBE_AGENT_VALUES);
    expect(controllerArgsOf(objects)).toEqual({
      region: 'us-west-2',
      httpPort: values.metrics.port,
      probeOnly: true,
      leaderElection: false,
      vantage: 'external-usw2',
      kubeconfig: expect.any(String),
      logLevel: values.logLevel,
    });
    expect(deploymentOf(objects).container.args.join(' ')).not.toMatch(/leader-election|readiness-interval/);
    // --aws-endpoint passes through as in controller mode.
    const simulated = render({ ...PROBE_AGENT_VALUES, awsEndpoint: 'http://aws-simulator:4566' });
    expect(controllerArgsOf(simulated).awsEndpoint).toBe('http://aws-simulator:4566');
  });

  it('mounts the kubeconfig Secret read-only, its key as the file --kubeconfig names', () => {
    const objects = render(PROBE_AGENT_VALUES);
    const { pod, container } = deploymentOf(objects);
    const kubeconfig = controllerArgsOf(objects).kubeconfig ?? '';
    const mount = container.volumeMounts.find((m) => kubeconfig.startsWith(`${m.mountPath}/`));
    expect(mount?.readOnly).toBe(true);
    const volume = pod.spec.volumes.find((v) => v.name === mount?.name);
    expect(volume?.secret).toEqual({
      secretName: 'standby-use2-kubeconfig',
      items: [{ key: 'config', path: posix.relative(mount?.mountPath ?? '', kubeconfig) }],
    });
    // Still non-root with a read-only root filesystem; /tmp is the only writable mount.
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
    expect(container.volumeMounts.filter((m) => !m.readOnly).map((m) => m.mountPath)).toEqual(['/tmp']);
  });

  it('has no RBAC and no Lease in the cluster it runs in, and does not mount the local API token', () => {
    const objects = render(PROBE_AGENT_VALUES);
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'Deployment',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
    ]);
    expect(grantsOf(objects)).toEqual([]);
    const { pod } = deploymentOf(objects);
    expect(pod.spec.serviceAccountName).toBe(only(objects, 'ServiceAccount').metadata.name);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    // Its own names and component label, so it does not pose as a controller.
    expect(pod.metadata.labels['app.kubernetes.io/component']).toBe('probe-agent');
    for (const object of objects)
      expect(object.metadata.name).toMatch(new RegExp(`^${RELEASE.name}-probe-agent`));
    // The metrics Service and the PDB select the agent's pods.
    const service = only(objects, 'Service') as unknown as { spec: { selector: Record<string, string> } };
    const pdb = only(objects, 'PodDisruptionBudget') as unknown as {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    expect(pod.metadata.labels).toMatchObject(service.spec.selector);
    expect(pod.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
  });

  it('is refused without a vantage or without the kubeconfig Secret, naming the field', () => {
    const values = chartValues();
    expect(issuesOf({ ...values, mode: 'probe-agent' }).sort()).toEqual([
      'probeAgent.kubeconfigSecret.name',
      'vantage',
    ]);
    expect(issuesOf({ ...values, mode: 'probe-agent', probeAgent: PROBE_AGENT_VALUES.probeAgent })).toEqual([
      'vantage',
    ]);
    expect(issuesOf({ ...values, mode: 'probe-agent', vantage: 'external-usw2' })).toEqual([
      'probeAgent.kubeconfigSecret.name',
    ]);
    expect(issuesOf({ ...values, mode: 'agent' })).toEqual(['mode']);
    // The controller needs neither.
    expect(issuesOf(values)).toEqual([]);
  });
});

describe('the probe agent’s RBAC in the standby’s cluster (charts/switchyard/remote/)', () => {
  const documents = () =>
    parseAllDocuments(readFileSync(join(repoRoot, REMOTE_RBAC_FILE), 'utf8')).map(
      (d) => d.toJS() as Manifest,
    );

  it('is generated and fresh (npm run synth when this fails)', () => {
    const file = renderGeneratedFiles(addGeneratedCharts(new App())).find((f) => f.path === REMOTE_RBAC_FILE);
    expect(file?.content).toBe(readFileSync(join(repoRoot, REMOTE_RBAC_FILE), 'utf8'));
  });

  it('grants its ServiceAccount exactly PROBE_AGENT_PERMISSIONS, cluster-wide, and a token for the kubeconfig', () => {
    const objects = documents();
    const account = only(objects, 'ServiceAccount').metadata;
    const role = only(objects, 'ClusterRole') as Manifest & { rules: RbacRule[] };
    const binding = only(objects, 'ClusterRoleBinding') as unknown as {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: account.name, namespace: account.namespace },
    ]);
    const granted = role.rules.flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${group}/${resource}`)),
      ),
    );
    const needed = PROBE_AGENT_PERMISSIONS.flatMap((p) =>
      p.verbs.map((v) => `${v} ${p.apiGroup}/${p.resource}`),
    );
    expect(granted.sort()).toEqual(needed.sort());
    expect(PROBE_AGENT_PERMISSIONS.every((p) => p.scope === 'cluster')).toBe(true);
    const grants: RbacGrant[] = [{ rules: role.rules }];
    const allowed = (verb: string, resource: string) =>
      isAllowed({ verb, apiGroup: 'failover.switchyard.dev', resource, namespace: 'trading' }, grants);
    expect(allowed('patch', 'regionhealths/status')).toBe(true);
    expect(allowed('patch', 'regionhealths')).toBe(false);
    expect(allowed('create', 'failovers')).toBe(false);
    const token = only(objects, 'Secret') as Manifest & { type: string };
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.namespace).toBe(account.namespace);
    expect(token.metadata.annotations?.['kubernetes.io/service-account.name']).toBe(account.name);
  });
});
