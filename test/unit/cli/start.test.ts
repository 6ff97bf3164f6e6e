import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/commands.js';
import { memoryIo } from '../../support/memory-io.js';

describe('switchyard start', () => {
  it('checks generated files and every emitted manifest, then starts and stops the platform', async () => {
    const io = memoryIo();
    const code = await runCommand(['start', '--once'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toContain('generated files: up to date');
    expect(out).toMatch(/manifests: [1-9]\d* documents in examples.* 0 invalid/);
    expect(out).toMatch(/AWS simulator +http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('platform stopped');
  });

  it('refuses a bad port with a one-line error and exit code 2', async () => {
    const io = memoryIo();
    expect(await runCommand(['start', '--aws-port', 'eighty'], io)).toBe(2);
    expect(io.err()).toBe('switchyard start: --aws-port must be a port number, got "eighty"\n');
  });
});
