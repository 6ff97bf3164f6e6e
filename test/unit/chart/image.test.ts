/**
 * The controller image (Dockerfile): what it runs is the bundle `npm run build:controller` makes,
 * with the V8 flags the memory figures were measured with, and the chart lets it run its entrypoint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROLLER_NODE_FLAGS } from '../../../controllers/runtime-flags.js';
import { bundleController } from '../../../tools/build-controller.js';
import { deploymentOf, render, repoRoot } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The exec-form ENTRYPOINT of the image's last stage. */
function entrypoint(): string[] {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const line = dockerfile.split('\n').findLast((l) => l.startsWith('ENTRYPOINT '));
  if (!line) throw new Error('the Dockerfile has no ENTRYPOINT');
  return JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
}

describe('the controller image', () => {
  it('runs node with the measured flags on the bundle, and the chart passes only arguments', () => {
    const [node, ...rest] = entrypoint();
    expect(node).toBe('/nodejs/bin/node');
    expect(rest).toEqual([...CONTROLLER_NODE_FLAGS, '/app/controller.mjs']);
    const { container } = deploymentOf(render());
    expect(container).not.toHaveProperty('command');
    expect(container.args.length).toBeGreaterThan(0);
  });

  it('the bundle runs on plain node with those flags: a bad command line is refused with the usage', async () => {
    const bundle = join(dir, 'controller.mjs');
    await bundleController(join(repoRoot, 'controllers/main.ts'), bundle);
    const run = spawnSync(process.execPath, [...CONTROLLER_NODE_FLAGS, bundle, '--region', 'mars-north-1'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--region must be an AWS region/);
    expect(run.stderr).toMatch(/usage: controller /);
  });
});
