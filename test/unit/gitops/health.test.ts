import { describe, expect, it } from 'vitest';
import {
  applicationHealth,
  builtInOnly,
  type HealthChecks,
  resourceHealth,
} from '../../../local/gitops/health.js';

const none = builtInOnly(undefined);

function deployment(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 1) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, spec, status };
}

const widget = (status?: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', ...metadata },
  ...(status ? { status } : {}),
});

/** A customization that knows Widgets: Healthy when status.ready, else Progressing. */
const widgetChecks: HealthChecks = {
  assess: (object) =>
    object.kind === 'Widget'
      ? (object.status as { ready?: boolean } | undefined)?.ready
        ? { status: 'Healthy' }
        : { status: 'Progressing', message: 'not ready' }
      : undefined,
  covers: (_apiVersion, kind) => kind === 'Widget',
};

describe('resource health (gitops-engine pkg/health)', () => {
  it('assesses a Deployment as Argo CD’s built-in check does', () => {
    const rollout = { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 };
    expect(resourceHealth(deployment({ replicas: 3 }, rollout), none)).toEqual({ status: 'Healthy' });
    expect(resourceHealth(deployment({ replicas: 3, paused: true }, rollout), none)).toMatchObject({
      status: 'Suspended',
    });
    expect(resourceHealth(deployment({ replicas: 3 }, rollout, 2), none)).toMatchObject({
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    });
    expect(
      resourceHealth(deployment({ replicas: 3 }, { ...rollout, updatedReplicas: 1 }), none),
    ).toMatchObject({
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
    });
    expect(
      resourceHealth(deployment({ replicas: 3 }, { ...rollout, availableReplicas: 2 }), none),
    ).toMatchObject({
      message: 'Waiting for rollout to finish: 2 of 3 updated replicas are available...',
    });
    const stuck = { ...rollout, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] };
    expect(resourceHealth(deployment({ replicas: 3 }, stuck), none)).toEqual({
      status: 'Degraded',
      message: 'Deployment "web" exceeded its progress deadline',
    });
    // No controller has looked at it yet (a fresh apiserver without a controller manager).
    expect(resourceHealth(deployment({ replicas: 1 }, {}), none)).toMatchObject({ status: 'Progressing' });
  });

  it('puts deletion first, then customizations, then built-ins; a built-in not ported is Unknown, not Healthy', () => {
    expect(
      resourceHealth(widget({ ready: true }, { deletionTimestamp: '2026-01-01T00:00:00Z' }), widgetChecks),
    ).toEqual({
      status: 'Progressing',
      message: 'Pending deletion',
    });
    expect(resourceHealth(widget({ ready: true }), widgetChecks)).toEqual({ status: 'Healthy' });
    expect(resourceHealth(widget({ ready: true }), none)).toBeUndefined();
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' } };
    expect(resourceHealth(job, none)).toMatchObject({
      status: 'Unknown',
      message: expect.stringMatching(/not ported/),
    });
    expect(
      resourceHealth(
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer' } },
        none,
      ),
    ).toEqual({
      status: 'Progressing',
    });
  });
});

describe('application health (argo-cd controller/health.go)', () => {
  const input = (
    kind: string,
    status?: 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Suspended',
    live?: object,
  ) => ({
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'example.com/v1',
    kind,
    ...(live ? { live: live as Record<string, unknown> } : {}),
    ...(status ? { health: { status } } : {}),
  });

  it('is the worst of the resources’ health', () => {
    expect(
      applicationHealth(
        [input('Widget', 'Healthy'), input('Widget', 'Suspended'), input('Widget')],
        widgetChecks,
      ),
    ).toBe('Suspended');
    expect(
      applicationHealth([input('Widget', 'Progressing'), input('Widget', 'Degraded')], widgetChecks),
    ).toBe('Degraded');
    expect(applicationHealth([], widgetChecks)).toBe('Healthy');
  });

  it('counts a Missing resource only when something assesses its kind, and skips ignore-healthcheck', () => {
    expect(applicationHealth([input('Gizmo', 'Missing')], widgetChecks)).toBe('Healthy');
    expect(applicationHealth([input('Widget', 'Missing')], widgetChecks)).toBe('Missing');
    expect(applicationHealth([input('Deployment', 'Missing')], none)).toBe('Missing');
    const ignored = widget(undefined, { annotations: { 'argocd.argoproj.io/ignore-healthcheck': 'true' } });
    expect(applicationHealth([input('Widget', 'Degraded', ignored)], widgetChecks)).toBe('Healthy');
  });
});
