/**
 * The Helm chart's objects (what `helm template` renders, src/chart) for the default values and
 * for overridden ones: the controller accepts the Deployment's arguments, the probes and the
 * Service reach the port it serves on, RBAC grants what controllers/kube/permissions.ts lists,
 * and the generated files are fresh. test/real/helm-chart.test.ts checks the same objects come
 * out of the real helm.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_PERMISSIONS } from '../../../controllers/kube/permissions.js';
import { LOG_LEVELS, parseControllerArgs } from '../../../controllers/main.js';
import {
  CHART_TEMPLATES_DIR,
  chartValuesSchema,
  renderValuesSchema,
  VALUES_SCHEMA_FILE,
} from '../../../src/chart/values.js';
import {
  addGeneratedCharts,
  findStaleFiles,
  renderGeneratedFiles,
} from '../../../src/generate/generated-files.js';
import { isAllowed, resourceRequest } from './rbac-proxy.js';
import {
  chartValues,
  controllerArgsOf,
  deploymentOf,
  grantsOf,
  only,
  RELEASE,
  render,
  repoRoot,
} from './support.js';

const parsedArgs = (objects = render()) => controllerArgsOf(objects);

const contains = (labels: Record<string, string>, selector: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('the chart’s values', () => {
  it('values.yaml passes the values schema, and values.schema.json is that schema (npm run synth when stale)', () => {
    expect(() => chartValues()).not.toThrow();
    expect(readFileSync(join(repoRoot, VALUES_SCHEMA_FILE), 'utf8')).toBe(renderValuesSchema());
  });

  it('allow exactly the log levels the controller accepts', () => {
    for (const level of LOG_LEVELS) expect(parsedArgs(render({ logLevel: level })).logLevel).toBe(level);
    expect(chartValuesSchema.safeParse({ ...chartValues(), logLevel: 'loud' }).success).toBe(false);
    expect(parseControllerArgs(['--region=us-east-1', '--log-level=loud'])).toHaveProperty('error');
  });

  it('refuse what the controller would refuse at start-up: a region name it does not accept', () => {
    expect(chartValuesSchema.safeParse({ ...chartValues(), region: 'useast1' }).success).toBe(false);
    expect(parseControllerArgs(['--region=useast1'])).toHaveProperty('error');
  });
});

describe('the controller Deployment', () => {
  it('passes arguments the controller accepts: region, its port, leader election in the release namespace', () => {
    const values = chartValues();
    const args = parsedArgs();
    expect(args).toEqual({
      region: values.region,
      httpPort: values.metrics.port,
      leaderElectionNamespace: RELEASE.namespace,
      readinessIntervalMs: values.readinessIntervalMs,
      logLevel: values.logLevel,
      probeOnly: false,
      leaderElection: true,
    });
  });

  it('passes --aws-endpoint and --vantage only when set, and every other value through', () => {
    const args = parsedArgs(
      render({
        region: 'us-east-2',
        awsEndpoint: 'http://aws-simulator.switchyard-system:4566',
        vantage: 'cluster-use2',
        logLevel: 'debug',
        readinessIntervalMs: 0,
        metrics: { port: 9095 },
      }),
    );
    expect(args).toEqual({
      region: 'us-east-2',
      awsEndpoint: 'http://aws-simulator.switchyard-system:4566',
      vantage: 'cluster-use2',
      logLevel: 'debug',
      readinessIntervalMs: 0,
      httpPort: 9095,
      leaderElectionNamespace: RELEASE.namespace,
      probeOnly: false,
      leaderElection: true,
    });
  });

  it('runs the image of the values, tagged with the appVersion unless a tag is set', () => {
    expect(deploymentOf(render()).container.image).toBe('ghcr.io/switchyard/controller:0.1.0');
    const { container } = deploymentOf(
      render({ image: { repository: 'registry.example/sy', tag: 'sha-1234' } }),
    );
    expect(container.image).toBe('registry.example/sy:sha-1234');
  });

  it('probes /healthz and /readyz, and the Service and the scrape annotations reach /metrics, on the port the controller listens on', () => {
    const objects = render({ metrics: { port: 9095 } });
    const { container, pod } = deploymentOf(objects);
    const listening = parsedArgs(objects).httpPort;
    const portNamed = (name: string | number) => container.ports.find((p) => p.name === name)?.containerPort;
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(portNamed(container.livenessProbe.httpGet.port)).toBe(listening);
    const service = only(objects, 'Service') as unknown as {
      spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
    };
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 9095, targetPort: 'http' })]);
    expect(portNamed(service.spec.ports[0]?.targetPort ?? '')).toBe(listening);
    expect(contains(pod.metadata.labels, service.spec.selector)).toBe(true);
    // The default annotations name the default port.
    const defaults = deploymentOf(render());
    expect(defaults.pod.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(parsedArgs().httpPort),
      'prometheus.io/path': '/metrics',
    });
  });

  it('runs 2 replicas by default, selects its own pods, and spreads them over nodes', () => {
    const { deployment, pod } = deploymentOf(render());
    expect(deployment.spec.replicas).toBe(2);
    expect(contains(pod.metadata.labels, deployment.spec.selector.matchLabels)).toBe(true);
    const affinity = pod.spec.affinity as {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: {
          podAffinityTerm: { labelSelector: { matchLabels: Record<string, string> } };
        }[];
      };
    };
    const term = affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
    expect(
      contains(pod.metadata.labels, term?.podAffinityTerm.labelSelector.matchLabels ?? { none: '' }),
    ).toBe(true);
    expect(deploymentOf(render({ replicaCount: 3 })).deployment.spec.replicas).toBe(3);
  });

  it('runs as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile; /tmp is writable', () => {
    const { pod, container } = deploymentOf(render());
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
    expect(pod.spec.volumes.find((v) => v.name === tmp?.name)).toEqual({ name: 'tmp', emptyDir: {} });
  });

  it('takes resources, nodeSelector, tolerations, affinity and pod annotations from the values, and leaves out empty and dropped (null) ones', () => {
    const resources = { requests: { cpu: '250m', memory: '300Mi' }, limits: { memory: '1Gi' } };
    const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'platform', effect: 'NoSchedule' }];
    const { pod, container } = deploymentOf(
      render({
        resources,
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations,
        affinity: null,
        podAnnotations: null,
        imagePullSecrets: [{ name: 'ghcr' }],
      }),
    );
    expect(container.resources).toEqual(resources);
    expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.spec.tolerations).toEqual(tolerations);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'ghcr' }]);
    expect(pod.spec).not.toHaveProperty('affinity');
    expect(pod.metadata).not.toHaveProperty('annotations');
    const defaults = deploymentOf(render()).pod.spec;
    expect(defaults).not.toHaveProperty('nodeSelector');
    expect(defaults).not.toHaveProperty('tolerations');
  });
});

describe('the chart’s ServiceAccount and RBAC', () => {
  it('the Deployment runs as the ServiceAccount, annotated for IRSA when a role ARN is given', () => {
    const objects = render();
    expect(deploymentOf(objects).pod.spec.serviceAccountName).toBe(
      only(objects, 'ServiceAccount').metadata.name,
    );
    expect(only(objects, 'ServiceAccount').metadata).not.toHaveProperty('annotations');
    const arn = 'arn:aws:iam::123456789012:role/switchyard-controller';
    const annotated = only(
      render({ serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': arn } } }),
      'ServiceAccount',
    );
    expect(annotated.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': arn });
  });

  it('grants every permission the controller uses, cluster-wide or in the leader-election namespace, and nothing else', () => {
    const objects = render();
    const grants = grantsOf(objects);
    const leaseNamespace = parsedArgs(objects).leaderElectionNamespace;
    const granted = grants.flatMap((grant) =>
      grant.rules.flatMap((rule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.flatMap((resource) =>
            rule.verbs.map((verb) => `${verb} ${group}/${resource} in ${grant.namespace ?? '*'}`),
          ),
        ),
      ),
    );
    const used = CONTROLLER_PERMISSIONS.flatMap((p) =>
      p.verbs.map(
        (verb) => `${verb} ${p.apiGroup}/${p.resource} in ${p.scope === 'cluster' ? '*' : leaseNamespace}`,
      ),
    );
    expect(granted.sort()).toEqual(used.sort());
  });

  it('the Lease is granted in the namespace the controller elects its leader in, and not elsewhere', () => {
    const grants = grantsOf(render());
    const lease = (namespace: string, verb: string) =>
      isAllowed({ verb, apiGroup: 'coordination.k8s.io', resource: 'leases', namespace }, grants);
    expect(['get', 'create', 'update'].every((verb) => lease(RELEASE.namespace, verb))).toBe(true);
    expect(lease('kube-system', 'update')).toBe(false);
    expect(lease(RELEASE.namespace, 'delete')).toBe(false);
  });

  it('the RBAC check used by the wire test refuses what is not granted (status writes are not spec writes)', () => {
    const grants = grantsOf(render());
    const allowed = (method: string, url: string) => {
      const req = resourceRequest(method, url);
      if (!req) throw new Error(`not a resource request: ${url}`);
      return isAllowed(req, grants);
    };
    const failovers = '/apis/failover.switchyard.dev/v1alpha1/namespaces/trading/failovers';
    expect(allowed('PATCH', `${failovers}/f1/status`)).toBe(true);
    // A patch of the Failover itself is its execution finalizer; a replace of it is never needed.
    expect(allowed('PATCH', `${failovers}/f1`)).toBe(true);
    expect(allowed('PUT', `${failovers}/f1`)).toBe(false);
    expect(
      allowed('PATCH', '/apis/failover.switchyard.dev/v1alpha1/namespaces/trading/failoverplans/p'),
    ).toBe(false);
    expect(allowed('GET', '/apis/failover.switchyard.dev/v1alpha1/failovers?watch=true')).toBe(true);
    expect(allowed('DELETE', `${failovers}/f1`)).toBe(false);
    expect(allowed('POST', '/api/v1/namespaces/trading/events')).toBe(true);
    expect(allowed('GET', '/api/v1/namespaces/trading/secrets')).toBe(false);
  });
});

describe('the PodDisruptionBudget', () => {
  it('keeps minAvailable of the controller pods by default, and is left out when disabled', () => {
    const objects = render();
    const pdb = only(objects, 'PodDisruptionBudget') as unknown as {
      spec: { minAvailable: number | string; selector: { matchLabels: Record<string, string> } };
    };
    expect(pdb.spec.minAvailable).toBe(1);
    expect(contains(deploymentOf(objects).pod.metadata.labels, pdb.spec.selector.matchLabels)).toBe(true);
    expect(render({ podDisruptionBudget: { enabled: false } }).map((o) => o.kind)).not.toContain(
      'PodDisruptionBudget',
    );
    expect(
      chartValuesSchema.safeParse({
        ...chartValues(),
        podDisruptionBudget: { enabled: true, minAvailable: '50%' },
      }).success,
    ).toBe(true);
  });
});

describe('the chart’s templates', () => {
  it('are generated with the other generated files, committed and fresh (npm run synth when this fails)', () => {
    const all = renderGeneratedFiles(addGeneratedCharts(new App()));
    const files = all.filter((f) => f.path.startsWith(`${CHART_TEMPLATES_DIR}/`));
    expect(files.map((f) => f.path.slice(CHART_TEMPLATES_DIR.length + 1)).sort()).toEqual([
      'deployment.yaml',
      'poddisruptionbudget.yaml',
      'rbac.yaml',
      'service.yaml',
      'serviceaccount.yaml',
    ]);
    expect(
      findStaleFiles(repoRoot, all).filter((problem) => problem.startsWith(CHART_TEMPLATES_DIR)),
    ).toEqual([]);
    for (const file of files) expect(file.content).not.toContain('@helm:');
  });
});
