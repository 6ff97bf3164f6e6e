import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands.js';
import { memoryIo } from '../support/memory-io.js';

describe('switchyard CLI', () => {
  it('rejects an unknown command with a one-line error and exit code 2', async () => {
    const io = memoryIo();
    const code = await runCommand(['frobnicate'], io);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/^switchyard: unknown command "frobnicate"/);
  });
});
