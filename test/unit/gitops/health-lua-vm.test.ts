/**
 * The in-process Lua runs a health script the way Argo CD's util/lua/lua.go does: the same
 * libraries, the same conversion of the object and of the result, the same limit. The same cases
 * run against gopher-lua in test/real/health-customizations.test.ts (VM_SEMANTICS_CASES).
 */
import { describe, expect, it } from 'vitest';
import { INVALID_HEALTH_STATUS, runHealthLua } from '../../../src/gitops/health/lua-vm.js';
import { VM_SEMANTICS_CASES } from '../../gitops/health/vm-cases.js';

describe('in-process health Lua, Argo CD semantics', () => {
  it.each(VM_SEMANTICS_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = runHealthLua({ script: c.script, object: c.object, useOpenLibs: c.useOpenLibs ?? false });
    if ('error' in c.expected) {
      expect(run.ok).toBe(false);
      if (!run.ok) expect(run.error).toMatch(c.expected.error);
    } else {
      expect(run).toEqual({ ok: true, health: c.expected });
    }
  });

  it('turns a status Argo CD does not know into Unknown with its message', () => {
    expect(runHealthLua({ script: 'return { status = "Fine" }', object: {} })).toEqual({
      ok: true,
      health: { status: 'Unknown', message: INVALID_HEALTH_STATUS },
    });
  });

  it("stops a script after 1 s with Argo CD's context error", () => {
    const started = Date.now();
    const run = runHealthLua({ script: 'while true do end', object: {} });
    expect(run).toEqual({ ok: false, error: 'context deadline exceeded' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('refuses Lua newer than 5.1 before running it, outside strings and comments only', () => {
    for (const syntax of [
      'return 7 // 2',
      'local x = 1 & 3',
      'goto done\n::done::',
      'return 1 << 2',
      'return ~1',
    ]) {
      const run = runHealthLua({ script: syntax, object: {} });
      expect(run.ok, syntax).toBe(false);
      if (!run.ok) expect(run.error).toMatch(/^<string>:\d+: Lua 5\.1 \(Argo CD's gopher-lua\) has no /);
    }
    const fine =
      '-- a // b & c\nlocal s = "x // y | z" .. [[goto]]\nreturn { status = "Healthy", message = s }';
    expect(runHealthLua({ script: fine, object: {} })).toEqual({
      ok: true,
      health: { status: 'Healthy', message: 'x // y | zgoto' },
    });
  });
});
