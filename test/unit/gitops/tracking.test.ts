import { describe, expect, it } from 'vitest';
import { isTrackedBy, parseTrackingId, withTrackingId } from '../../../local/gitops/tracking.js';

const ID = 'argocd.argoproj.io/tracking-id';

const configMap = (metadata: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', ...metadata },
});

describe('annotation resource tracking (argo-cd util/argo/resource_tracking.go)', () => {
  it('writes <app>:<group>/<kind>:<namespace>/<name>, the destination namespace for objects without one', () => {
    const tracked = withTrackingId(configMap({ namespace: 'team' }), 'app', 'dest');
    expect((tracked.metadata as { annotations: Record<string, string> }).annotations[ID]).toBe(
      'app:/ConfigMap:team/settings',
    );
    const clusterScoped = withTrackingId(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } },
      'app',
      'dest',
    );
    expect((clusterScoped.metadata as { annotations: Record<string, string> }).annotations[ID]).toBe(
      'app:rbac.authorization.k8s.io/ClusterRole:dest/r',
    );
  });

  it('gives CRDs no tracking id, so a CRD that leaves Git is never pruned', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
    };
    expect(withTrackingId(crd, 'app', 'dest')).toBe(crd);
  });

  it('counts an object as the application’s only when the id names the application and the object itself', () => {
    expect(
      isTrackedBy(
        configMap({ namespace: 'team', annotations: { [ID]: 'app:/ConfigMap:team/settings' } }),
        'app',
      ),
    ).toBe(true);
    expect(
      isTrackedBy(
        configMap({ namespace: 'team', annotations: { [ID]: 'other:/ConfigMap:team/settings' } }),
        'app',
      ),
    ).toBe(false);
    // Copied onto another object (a controller copying annotations): not tracked.
    expect(
      isTrackedBy(
        configMap({ namespace: 'team', name: 'copy', annotations: { [ID]: 'app:/ConfigMap:team/settings' } }),
        'app',
      ),
    ).toBe(false);
    // Another installation's objects.
    const foreign = { [ID]: 'app:/ConfigMap:team/settings', 'argocd.argoproj.io/installation-id': 'prod' };
    expect(isTrackedBy(configMap({ namespace: 'team', annotations: foreign }), 'app')).toBe(false);
    expect(parseTrackingId('not-an-id')).toBeUndefined();
  });
});
