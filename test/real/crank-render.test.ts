import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { describeResult } from '../support/command.js';
import { crankRender, type RunningFunction, startFunction, writeFunctionsFile } from './support/crank.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { startedForFile } from './support/lifecycle.js';
import { startNetworkNamespace } from './support/netns.js';
import { repoRoot } from './support/paths.js';

/**
 * Smoke test of the real Crossplane renderer: crank render with function-patch-and-transform and
 * function-auto-ready running as local gRPC servers (Development runtime). The estate issue adds
 * the real compositions; this proves the toolchain composes, patches, transforms and readies.
 */

const fixtures = join(repoRoot, 'test/real/fixtures/crank');
const pipeline = startedForFile(
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-crank-'));
    const functions: RunningFunction[] = [];
    // The functions' SDK binds its metrics port on every address: they and crank run in a
    // loopback-only network namespace (docs/adr/0021).
    const netns = await startNetworkNamespace('crank-render');
    try {
      functions.push(await startFunction('function-patch-and-transform', { netns }));
      functions.push(await startFunction('function-auto-ready', { netns }));
    } catch (error) {
      await Promise.all(functions.map((fn) => fn.process.stop()));
      await netns.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return { dir, functions, netns, functionsFile: writeFunctionsFile(dir, functions) };
  },
  async ({ dir, functions, netns }) => {
    await Promise.all(functions.map((fn) => fn.process.stop()));
    await netns.stop();
    rmSync(dir, { recursive: true, force: true });
  },
);
showLogsOnFailure(() => pipeline.peek()?.functions.map((fn) => fn.process) ?? []);

interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { forProvider?: { region?: string } };
  status?: { bucketArn?: string; conditions?: { type: string; status: string; reason?: string }[] };
}

async function render(extraArgs: string[] = []): Promise<Rendered[]> {
  const result = await crankRender(
    [
      join(fixtures, 'xr.yaml'),
      join(fixtures, 'composition.yaml'),
      pipeline.get().functionsFile,
      `--xrd=${join(fixtures, 'xrd.yaml')}`,
      ...extraArgs,
    ],
    pipeline.get().netns,
  );
  expect(result.code, describeResult(result)).toBe(0);
  return parseAllDocuments(result.stdout).map((document) => document.toJS() as Rendered);
}

const readyOf = (xr: Rendered | undefined) =>
  xr?.status?.conditions?.find((condition) => condition.type === 'Ready');

describe('crank render with patch-and-transform and auto-ready', () => {
  it('composes the Bucket with patches and a string transform applied', async () => {
    const [xr, ...composed] = await render();
    expect(xr?.kind).toBe('GateBucket');
    expect(composed).toHaveLength(1);
    const bucket = composed[0];
    expect(bucket).toMatchObject({
      apiVersion: 's3.aws.m.upbound.io/v1beta1',
      kind: 'Bucket',
      metadata: {
        namespace: 'trading',
        labels: { 'switchyard.dev/region': 'us-east-2' },
        annotations: {
          'crossplane.io/composition-resource-name': 'bucket',
          'crossplane.io/external-name': 'switchyard-gates-use2',
        },
      },
      spec: { forProvider: { region: 'us-east-2' } },
    });
  });

  it('leaves the XR not ready while the composed Bucket is not observed', async () => {
    const [xr] = await render();
    expect(readyOf(xr)?.status).toBe('False');
  });

  it('marks the XR ready (auto-ready) and patches status back once the Bucket is observed Ready', async () => {
    const [xr] = await render([`--observed-resources=${join(fixtures, 'observed.yaml')}`]);
    expect(readyOf(xr)).toMatchObject({ status: 'True', reason: 'Available' });
    expect(xr?.status?.bucketArn).toBe('arn:aws:s3:::switchyard-gates-use2');
  });
});
