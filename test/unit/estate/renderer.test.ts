/** The in-repo P&T renderer's rules that the examples do not exercise on their own. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CompositionSet } from '../../../local/crossplane/render/compositions.js';
import { getValue, setValue } from '../../../local/crossplane/render/field-path.js';
import {
  type KubeObject,
  RenderError,
  renderComposite,
  renderTree,
} from '../../../local/crossplane/render/index.js';
import { runCommand } from '../../../src/cli/commands.js';
import { databaseIdentity } from '../../../src/estate/database/identity.js';
import { pipelineComposition } from '../../../src/estate/patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../../../src/estate/patch-and-transform/patches.js';
import { convertTo, format, mapValues, regexp } from '../../../src/estate/patch-and-transform/transforms.js';
import { examplesDir } from '../../support/estate.js';
import { memoryIo } from '../../support/memory-io.js';

const xr = {
  apiVersion: 'test.switchyard.dev/v1alpha1',
  kind: 'Thing',
  metadata: { name: 'thing', namespace: 'ns' },
  spec: { cidr: '10.1.0.0/16', count: 3, mode: 'Single' },
};
const bucket = (patches: Parameters<typeof pipelineComposition>[0]['resources'][number]['patches']) =>
  pipelineComposition({
    name: 'things',
    compositeTypeRef: { apiVersion: xr.apiVersion, kind: xr.kind },
    resources: [
      {
        name: 'bucket',
        base: { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'Bucket' },
        ...(patches ? { patches } : {}),
      },
    ],
  });

describe('renderer', () => {
  it('reads and writes Crossplane field paths, bracketed keys with dots included', () => {
    const object: Record<string, unknown> = {};
    setValue(object, 'metadata.labels[platform.switchyard.dev/zone]', 'a');
    setValue(object, 'status.ids[1]', 'b');
    expect(object).toEqual({
      metadata: { labels: { 'platform.switchyard.dev/zone': 'a' } },
      status: { ids: [null, 'b'] },
    });
    expect(getValue(object, 'metadata.labels[platform.switchyard.dev/zone]')).toBe('a');
  });

  it('chains transforms (regexp, format, convert, map)', () => {
    const { composed } = renderComposite({
      xr,
      composition: bucket([
        fromComposite('spec.cidr', 'spec.forProvider.cidr', {
          transforms: [regexp('^([0-9]+\\.[0-9]+)\\.', 1), format('%s.7.0/24')],
        }),
        fromComposite('spec.count', 'metadata.labels[count]', {
          transforms: [convertTo('string'), mapValues({ '3': 'three' })],
        }),
      ]),
    });
    expect(composed[0]).toMatchObject({
      spec: { forProvider: { cidr: '10.1.7.0/24' } },
      metadata: { labels: { count: 'three' } },
    });
  });

  it('fails the render, naming resource and patch, when a map has no entry (the variant guard)', () => {
    const render = () =>
      renderComposite({
        xr,
        composition: bucket([
          fromComposite('spec.mode', 'metadata.labels[nat]', {
            transforms: [mapValues({ PerZone: 'per-zone' })],
          }),
        ]),
      });
    expect(render).toThrow(RenderError);
    expect(render).toThrow(
      /"bucket" "FromCompositeFieldPath" patch at index 0: .*key Single is not found in map/,
    );
  });

  it('holds a new resource back while a Required source is missing, and keeps the XR not ready', () => {
    const {
      composed,
      warnings,
      xr: out,
    } = renderComposite({
      xr,
      composition: bucket([fromComposite('spec.missing', 'spec.forProvider.x', { policy: 'Required' })]),
    });
    expect(composed).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/not adding new composed resource "bucket"/)]);
    expect(out.status?.conditions).toEqual([
      expect.objectContaining({ status: 'False', reason: 'Creating' }),
    ]);
  });

  it('patches status only from observed resources, and keeps their names', () => {
    const observed = {
      apiVersion: 's3.aws.m.upbound.io/v1beta1',
      kind: 'Bucket',
      metadata: { name: 'thing-abc12', annotations: { 'crossplane.io/composition-resource-name': 'bucket' } },
      status: { atProvider: { arn: 'arn:aws:s3:::b' }, conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const composition = bucket([toComposite('status.atProvider.arn', 'status.bucketArn')]);
    expect(renderComposite({ xr, composition }).xr.status).not.toHaveProperty('bucketArn');
    const { xr: out, composed } = renderComposite({ xr, composition, observed: [observed] });
    expect(out.status).toMatchObject({
      bucketArn: 'arn:aws:s3:::b',
      conditions: [{ status: 'True', reason: 'Available' }],
    });
    expect(composed[0]?.metadata).toMatchObject({ name: 'thing-abc12', namespace: 'ns' });
  });

  it('renders a composed XR with the status it was observed with (what its own reconcile reads)', () => {
    const inner = { apiVersion: xr.apiVersion, kind: 'Inner' };
    const compositions = CompositionSet.fromDocuments([
      {
        kind: 'CompositeResourceDefinition',
        spec: { group: 'test.switchyard.dev', names: { kind: 'Inner' } },
      },
      pipelineComposition({
        name: 'things',
        compositeTypeRef: { apiVersion: xr.apiVersion, kind: xr.kind },
        resources: [{ name: 'inner', base: { ...inner, spec: {} } }],
      }),
      pipelineComposition({
        name: 'inners',
        compositeTypeRef: inner,
        resources: [
          {
            name: 'bucket',
            base: { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'Bucket' },
            patches: [fromComposite('status.keyArn', 'spec.forProvider.key', { policy: 'Required' })],
          },
        ],
      }),
    ]);
    const render = (observed: KubeObject[]) =>
      renderTree(xr, { compositions, applyDefaults: (object) => object, observed, recursive: true })
        .resources.filter((object) => object.kind === 'Bucket')
        .map((bucket) => bucket.spec?.forProvider);
    expect(render([])).toEqual([]);
    const observedInner: KubeObject = {
      ...inner,
      metadata: {
        name: 'thing-inner',
        annotations: { 'crossplane.io/composition-resource-name': 'inner' },
        ownerReferences: [
          { apiVersion: xr.apiVersion, kind: xr.kind, name: 'thing', uid: '', controller: true },
        ],
      },
      status: { keyArn: 'arn:aws:kms:us-east-1:1:key/k' },
    };
    expect(render([observedInner])).toEqual([{ key: 'arn:aws:kms:us-east-1:1:key/k' }]);
  });

  it('`switchyard render` reports a bad XR file and bad arguments with an exit code', async () => {
    const missing = memoryIo();
    expect(await runCommand(['render', join(examplesDir, 'nope.yaml')], missing)).toBe(1);
    expect(missing.err()).toMatch(/switchyard render: .*nope.yaml/);
    expect(await runCommand(['render'], memoryIo())).toBe(2);
    const io = memoryIo();
    expect(await runCommand(['render', join(examplesDir, 'database.yaml')], io)).toBe(0);
    expect(parse(io.out().split('---\n')[1] ?? '')).toMatchObject({
      kind: databaseIdentity.kind,
      status: { conditions: [{ type: 'Ready' }] },
    });
  });
});
