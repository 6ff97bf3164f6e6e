import { describe, expect, it } from 'vitest';
import { type PlannedResource, planTasks } from '../../../local/gitops/plan.js';
import { keyOf } from '../../../local/gitops/resource-key.js';

const WAVE = 'argocd.argoproj.io/sync-wave';

function object(
  apiVersion: string,
  kind: string,
  name: string,
  options: { wave?: number; namespace?: string; annotations?: Record<string, string>; spec?: unknown } = {},
) {
  const annotations = {
    ...(options.wave === undefined ? {} : { [WAVE]: String(options.wave) }),
    ...options.annotations,
  };
  return {
    apiVersion,
    kind,
    metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}), annotations },
    ...(options.spec ? { spec: options.spec } : {}),
  };
}

/** `apiVersion Kind`, name and wave of an object in namespace t. */
const inT = (type: string, name: string, wave: number) => {
  const [apiVersion = '', kind = ''] = type.split(' ');
  return object(apiVersion, kind, name, { wave, namespace: 't' });
};

const cm = (name: string, wave: number) => inT('v1 ConfigMap', name, wave);

const apply = (o: ReturnType<typeof object>): PlannedResource => ({ key: keyOf(o), target: o });
const prune = (o: ReturnType<typeof object>): PlannedResource => ({ key: keyOf(o), live: o });
const order = (resources: PlannedResource[], pruneLast = false) =>
  planTasks(resources, { pruneLast }).map(
    (task) => `${task.wave} ${task.target ? 'apply' : 'prune'} ${task.key.kind}/${task.key.name}`,
  );

describe('sync task order (gitops-engine sync_tasks.go)', () => {
  it('orders by wave, then by the Helm kind order with custom resources last, then by name', () => {
    expect(
      order([
        apply(inT('failover.switchyard.dev/v1alpha1 RegionHealth', 'b', 0)),
        apply(inT('apps/v1 Deployment', 'd', 0)),
        apply(cm('c', 0)),
        apply(inT('failover.switchyard.dev/v1alpha1 RegionHealth', 'a', 0)),
        apply(inT('v1 ServiceAccount', 's', 0)),
        apply(inT('failover.switchyard.dev/v1alpha1 FailoverPlan', 'p', -1)),
        apply(cm('later', 3)),
      ]),
    ).toEqual([
      '-1 apply FailoverPlan/p',
      '0 apply ServiceAccount/s',
      '0 apply ConfigMap/c',
      '0 apply Deployment/d',
      '0 apply RegionHealth/a',
      '0 apply RegionHealth/b',
      '3 apply ConfigMap/later',
    ]);
  });

  it('moves a Namespace and a CRD before the first object that needs them, into that object’s wave', () => {
    const crd = object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', {
      wave: 2,
      spec: { group: 'example.com', names: { kind: 'Widget' } },
    });
    expect(
      order([
        apply(object('example.com/v1', 'Widget', 'w', { wave: 1, namespace: 'team' })),
        apply(crd),
        apply(object('v1', 'Namespace', 'team', { wave: 5 })),
      ]),
    ).toEqual([
      '1 apply Namespace/team',
      '1 apply CustomResourceDefinition/widgets.example.com',
      '1 apply Widget/w',
    ]);
  });

  it('runs prune waves in reverse: what was created last is deleted first', () => {
    expect(order([prune(cm('p0', 0)), prune(cm('p1', 1)), prune(cm('p5', 5)), apply(cm('a1', 1))])).toEqual([
      '0 prune ConfigMap/p5',
      '1 apply ConfigMap/a1',
      '1 prune ConfigMap/p1',
      '5 prune ConfigMap/p0',
    ]);
  });

  it('prunes after every other wave with PruneLast, from the Application or on the object', () => {
    const resources = [
      prune(cm('old', 0)),
      prune(
        object('v1', 'ConfigMap', 'marked', {
          wave: -2,
          namespace: 't',
          annotations: { 'argocd.argoproj.io/sync-options': 'PruneLast=true' },
        }),
      ),
      apply(cm('new', 2)),
    ];
    // The two prune waves swap (-2 and 0) before PruneLast moves the marked one after the last wave.
    expect(order(resources)).toEqual([
      '-2 prune ConfigMap/old',
      '2 apply ConfigMap/new',
      '3 prune ConfigMap/marked',
    ]);
    expect(order(resources, true)).toEqual([
      '2 apply ConfigMap/new',
      '3 prune ConfigMap/marked',
      '3 prune ConfigMap/old',
    ]);
  });
});
