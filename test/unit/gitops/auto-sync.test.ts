import { describe, expect, it } from 'vitest';
import { readApplication } from '../../../local/gitops/application.js';
import { decideAutoSync } from '../../../local/gitops/auto-sync.js';
import type { Comparison, ResourceState } from '../../../local/gitops/compare.js';
import type { OperationState } from '../../../local/gitops/operation.js';
import { application } from '../../wire/gitops/fixtures.js';

function rules(automated: Record<string, boolean>) {
  const read = readApplication(application({ name: 'app', path: 'clusters/x', namespace: 'x', automated }));
  if (!read.ok) throw new Error('application refused');
  return read.rules;
}

const resource = (name: string, status: ResourceState['status'], requiresPruning = false): ResourceState => ({
  key: { group: 'example.com', kind: 'Widget', namespace: 'x', name },
  apiVersion: 'example.com/v1',
  status,
  requiresPruning,
});

const comparison = (...resources: ResourceState[]): Comparison => ({
  revision: 'c0ffee',
  resources,
  sync: resources.some((r) => r.status !== 'Synced') ? 'OutOfSync' : 'Synced',
  health: 'Healthy',
});

const operation = (phase: OperationState['phase'], finishedAt: string): OperationState => ({
  phase,
  message: phase === 'Failed' ? 'one or more objects failed to apply' : 'successfully synced (all tasks run)',
  startedAt: finishedAt,
  finishedAt,
  syncResult: { revision: 'c0ffee', resources: [] },
});

describe('automated sync (argo-cd appcontroller.go autoSync)', () => {
  const now = Date.parse('2026-12-01T00:00:10Z');

  it('syncs an OutOfSync application to a new revision, with the Application’s prune', () => {
    expect(
      decideAutoSync(rules({ prune: true }), comparison(resource('a', 'OutOfSync')), undefined),
    ).toMatchObject({ sync: true, prune: true });
    expect(
      decideAutoSync(rules({ prune: true }), comparison(resource('a', 'Synced')), undefined),
    ).toMatchObject({ sync: false });
  });

  it('does not retry a revision whose sync failed, and reports it as a SyncError', () => {
    const decision = decideAutoSync(
      rules({ prune: true, selfHeal: true }),
      comparison(resource('a', 'OutOfSync')),
      operation('Failed', '2026-12-01T00:00:00Z'),
      0,
      now,
    );
    expect(decision).toMatchObject({
      sync: false,
      condition: {
        type: 'SyncError',
        message: 'Failed last sync attempt to c0ffee: one or more objects failed to apply',
      },
    });
  });

  it('heals drift of the synced revision only with selfHeal, only what drifted, after the self-heal delay', () => {
    const drifted = comparison(resource('a', 'OutOfSync'), resource('b', 'Synced'));
    const done = operation('Succeeded', '2026-12-01T00:00:09Z');
    expect(decideAutoSync(rules({ prune: true }), drifted, done, 0, now)).toMatchObject({ sync: false });
    expect(decideAutoSync(rules({ prune: true, selfHeal: true }), drifted, done, 5_000, now)).toMatchObject({
      sync: false,
    });
    const healing = decideAutoSync(rules({ prune: true, selfHeal: true }), drifted, done, 500, now);
    expect(healing.sync && [...(healing.only ?? [])]).toEqual(['example.com/Widget/x/a']);
  });

  it('leaves pruning alone without automated prune, and never wipes out everything without allowEmpty', () => {
    expect(
      decideAutoSync(rules({ prune: false }), comparison(resource('a', 'OutOfSync', true)), undefined),
    ).toMatchObject({
      sync: false,
      reason: 'need to prune extra resources only but automated prune is disabled',
    });
    const allGone = comparison(resource('a', 'OutOfSync', true), resource('b', 'OutOfSync', true));
    expect(decideAutoSync(rules({ prune: true }), allGone, undefined)).toMatchObject({
      sync: false,
      condition: {
        type: 'SyncError',
        message: 'Skipping sync attempt to c0ffee: auto-sync will wipe out all resources',
      },
    });
    expect(decideAutoSync(rules({ prune: true, allowEmpty: true }), allGone, undefined)).toMatchObject({
      sync: true,
    });
  });
});
