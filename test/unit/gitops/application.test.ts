import { describe, expect, it } from 'vitest';
import { readApplication, retryDelayMs } from '../../../local/gitops/application.js';
import { application } from '../../wire/gitops/fixtures.js';

const base = () =>
  application({ name: 'trading-us-east-1', path: 'clusters/us-east-1', namespace: 'trading' });

function withSpec(change: (spec: Record<string, unknown>) => void) {
  const app = base() as unknown as { spec: Record<string, unknown> };
  change(app.spec);
  return app;
}

const issuesOf = (object: unknown) => {
  const read = readApplication(object);
  return read.ok ? [] : read.issues;
};

describe('reading the Application the stand-in follows', () => {
  it('takes folder, destination, automated policy, sync options and ignoreDifferences from the object', () => {
    const read = readApplication(
      withSpec((spec) => {
        spec.ignoreDifferences = [
          {
            group: 'failover.switchyard.dev',
            kind: 'RegionHealth',
            managedFieldsManagers: ['switchyard-controller'],
          },
        ];
      }),
    );
    expect(read.ok && read.rules).toMatchObject({
      name: 'trading-us-east-1',
      namespace: 'argocd',
      path: 'clusters/us-east-1',
      targetRevision: 'main',
      recurse: true,
      destinationNamespace: 'trading',
      automated: { prune: true, selfHeal: true, allowEmpty: false },
      options: {
        respectIgnoreDifferences: true,
        prunePropagation: 'background',
        pruneLast: false,
        skipDryRunOnMissingResource: false,
      },
      ignoreDifferences: [
        {
          group: 'failover.switchyard.dev',
          kind: 'RegionHealth',
          managedFieldsManagers: ['switchyard-controller'],
        },
      ],
    });
    expect(read.ok && read.rules.retry).toBeUndefined();
  });

  it('defaults pruning to foreground propagation and reads automated.enabled=false as no automation', () => {
    const read = readApplication(
      withSpec((spec) => {
        spec.syncPolicy = {
          automated: { prune: true, enabled: false },
          syncOptions: ['ServerSideApply=true'],
        };
      }),
    );
    expect(read.ok && read.rules.options.prunePropagation).toBe('foreground');
    expect(read.ok && read.rules.automated).toBeUndefined();
  });

  it('refuses by field what the stand-in does not implement', () => {
    const refused = [
      [
        withSpec((spec) => (spec.syncPolicy = { syncOptions: ['PrunePropagationPolicy=background'] })),
        'spec.syncPolicy.syncOptions',
        /ServerSideApply=true/,
      ],
      [
        withSpec(
          (spec) => (spec.syncPolicy = { syncOptions: ['ServerSideApply=true', 'CreateNamespace=true'] }),
        ),
        'spec.syncPolicy.syncOptions[1]',
        /not implemented by the stand-in/,
      ],
      [
        withSpec((spec) => ((spec.source as Record<string, unknown>).helm = { releaseName: 'x' })),
        'spec.source.helm',
        /Helm source is not implemented/,
      ],
      [
        withSpec((spec) => (spec.destination = { server: 'https://other.example.com', namespace: 'x' })),
        'spec.destination.server',
        /kubernetes\.default\.svc/,
      ],
      [
        withSpec(
          (spec) => (spec.ignoreDifferences = [{ kind: 'Widget', jqPathExpressions: ['.spec | length'] }]),
        ),
        'spec.ignoreDifferences[0].jqPathExpressions[0]',
        /the stand-in supports/,
      ],
      [
        withSpec((spec) => (spec.ignoreDifferences = [{ kind: 'Widget', jsonPointers: ['spec/size'] }])),
        'spec.ignoreDifferences[0].jsonPointers[0]',
        /must start with "\/"/,
      ],
      [
        withSpec((spec) => (spec.ignoreDifferences = [{ kind: '[Ww]idget' }])),
        'spec.ignoreDifferences[0].kind',
        /only \* and \? wildcards/,
      ],
      [withSpec((spec) => (spec.sources = [])), 'spec.sources', /multi-source/],
    ] as const;
    for (const [object, path, message] of refused) {
      const issues = issuesOf(object);
      expect(issues, path).toEqual([expect.objectContaining({ path })]);
      expect(issues[0]?.message).toMatch(message);
    }
  });

  it('reads the retry strategy and waits duration × factor^attempt, capped at maxDuration', () => {
    const read = readApplication(
      withSpec((spec) => {
        (spec.syncPolicy as Record<string, unknown>).retry = {
          limit: 3,
          backoff: { duration: '10s', factor: 2, maxDuration: '30s' },
        };
      }),
    );
    if (!read.ok || !read.rules.retry) throw new Error('retry not read');
    expect(
      [0, 1, 2, 3].map((attempt) =>
        retryDelayMs(read.rules.retry as NonNullable<typeof read.rules.retry>, attempt),
      ),
    ).toEqual([10_000, 20_000, 30_000, 30_000]);
    const bad = withSpec((spec) => {
      (spec.syncPolicy as Record<string, unknown>).retry = { backoff: { duration: 'soon' } };
    });
    expect(issuesOf(bad)).toEqual([
      expect.objectContaining({ path: 'spec.syncPolicy.retry.backoff.duration' }),
    ]);
  });
});
