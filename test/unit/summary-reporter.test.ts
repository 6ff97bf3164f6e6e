import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixtureRoot = fileURLToPath(new URL('../fixtures/reporter/', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

describe('summary reporter', () => {
  it('ends the run with the line CI reads, counting failed setup as a failure', () => {
    const run = spawnSync(process.execPath, [vitestBin, 'run', '--root', fixtureRoot], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    const lastLine = run.stdout.trim().split('\n').at(-1);
    // sample: 1 passed, 1 failed, 1 skipped; setup-fails: its test is skipped and the file counts as failed.
    expect(lastLine).toBe('1 passed, 2 failed, 2 skipped');
  });
});
