import { describe, expect, it } from 'vitest';
import { readApplication } from '../../../local/gitops/application.js';
import {
  ignoreSetFor,
  targetRespectingLive,
  withoutIgnored,
} from '../../../local/gitops/ignore-differences.js';
import { PathSyntaxError, parseJqPath } from '../../../local/gitops/json-paths.js';
import { keyOf } from '../../../local/gitops/resource-key.js';
import { application } from '../../wire/gitops/fixtures.js';

const GROUP = 'example.com';

/** Rules as an Application carries them, read by the same reader the syncer uses. */
function rules(ignoreDifferences: Record<string, unknown>[]) {
  const read = readApplication(
    application({ name: 'app', path: 'clusters/x', namespace: 'x', ignoreDifferences }),
  );
  if (!read.ok) throw new Error(JSON.stringify(read.issues));
  return read.rules.ignoreDifferences;
}

const widget = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'x', ...metadata },
  spec,
});

describe('ignoreDifferences', () => {
  it('matches group and kind by glob, name and namespace exactly, and always ignores /status', () => {
    const set = (overrides: Record<string, unknown>) =>
      ignoreSetFor(
        rules([{ group: GROUP, kind: 'Wid*', jsonPointers: ['/spec/size'], ...overrides }]),
        keyOf(widget({})),
      );
    expect(set({}).jsonPointers).toEqual([['status'], ['spec', 'size']]);
    expect(set({ name: 'w', namespace: 'x' }).jsonPointers).toHaveLength(2);
    expect(set({ name: 'other' }).jsonPointers).toEqual([['status']]);
    expect(set({ group: 'other.com' }).jsonPointers).toEqual([['status']]);
  });

  it('leaves the paths of JSON pointers and of the supported jq subset out of the comparison', () => {
    const set = ignoreSetFor(
      rules([
        {
          group: GROUP,
          kind: 'Widget',
          jsonPointers: ['/spec/size', '/metadata/labels/a~1b'],
          jqPathExpressions: ['.spec.parts[] | select(.name == "injected")', '.spec["tags"]'],
        },
      ]),
      keyOf(widget({})),
    );
    const object = widget(
      { size: 3, color: 'red', tags: ['x'], parts: [{ name: 'kept' }, { name: 'injected' }] },
      { labels: { 'a/b': '1', c: '2' } },
    );
    expect(withoutIgnored({ ...object, status: { ready: true } }, set)).toEqual(
      widget({ color: 'red', parts: [{ name: 'kept' }] }, { labels: { c: '2' } }),
    );
  });

  it('refuses jq it does not implement, saying what it implements', () => {
    for (const expression of [
      '.spec | length',
      '..',
      '.spec.a // "x"',
      'select(.a == 1)',
      '.spec[] | select(.a > 1)',
    ]) {
      expect(() => parseJqPath(expression), expression).toThrow(PathSyntaxError);
      expect(() => parseJqPath(expression)).toThrow(/the stand-in supports paths of \.field/);
    }
  });

  it('with RespectIgnoreDifferences, applies the live value at ignored paths and drops what live does not have', () => {
    const set = ignoreSetFor(
      rules([
        { group: GROUP, kind: 'Widget', jsonPointers: ['/spec/size', '/spec/extra', '/spec/parts/1/name'] },
      ]),
      keyOf(widget({})),
    );
    const target = widget({ size: 1, color: 'red', extra: 'git', parts: [{ name: 'a' }, { name: 'b' }] });
    const live = widget({ size: 9, color: 'blue', parts: [{ name: 'a' }, { name: 'c' }, { name: 'd' }] });
    // A path inside a list takes the whole live list, as Argo CD's JSON merge patch does.
    expect(targetRespectingLive(target, live, set)).toEqual(
      widget({ size: 9, color: 'red', parts: [{ name: 'a' }, { name: 'c' }, { name: 'd' }] }),
    );
  });

  it('with managedFieldsManagers, keeps the live value of fields the trusted manager owns and Git would change', () => {
    const set = ignoreSetFor(
      rules([{ group: GROUP, kind: 'Widget', managedFieldsManagers: ['controller'] }]),
      keyOf(widget({})),
    );
    const managedFields = [
      {
        manager: 'argocd-controller',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:color': {}, 'f:size': {} } },
      },
      {
        manager: 'controller',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:size': {},
            'f:mode': {},
            'f:parts': { 'k:{"name":"a"}': { '.': {}, 'f:weight': {} } },
          },
        },
      },
    ];
    const live = widget(
      { size: 5, color: 'red', mode: 'auto', parts: [{ name: 'a', weight: 2 }] },
      { managedFields },
    );
    const target = widget({ size: 1, color: 'blue', parts: [{ name: 'a', weight: 1 }] });
    expect(targetRespectingLive(target, live, set)).toEqual(
      widget({ size: 5, color: 'blue', parts: [{ name: 'a', weight: 2 }] }),
    );
    // Without the rule, Git's values are applied.
    const none = ignoreSetFor([], keyOf(widget({})));
    expect(targetRespectingLive(target, live, none)).toEqual(target);
  });
});
