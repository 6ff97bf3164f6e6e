/**
 * Our health customizations in the gopher-lua harness that runs scripts the way Argo CD v3.5.1
 * does (tools/real/cmd/lua-health): every health_test.yaml case gives the expected result there
 * too, with the script and library setting our argocd-cm data gives Argo CD; Argo CD's own
 * Crossplane fixtures give upstream's results; Argo CD's built-in scripts, run on our Crossplane
 * testdata, agree with ours except where ours fix the no-status bug; and the probes of how a
 * script is run answer the same as in-process (test/unit/gitops/health-lua-vm.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argocdCmHealthData, healthOverridesFromArgocdCm } from '../../src/gitops/health/argocd-cm.js';
import { loadHealthCustomizations } from '../../src/gitops/health/customizations.js';
import { healthScriptFor } from '../../src/gitops/health/script-for.js';
import { argocdFixtures, fixtureName } from '../gitops/health/argocd-fixtures.js';
import { VM_SEMANTICS_CASES } from '../gitops/health/vm-cases.js';
import { type LuaHealthResult, runLuaHealth } from './support/lua-health.js';

const customizations = loadHealthCustomizations();
const overrides = healthOverridesFromArgocdCm(argocdCmHealthData(customizations));

let dir = '';
/** Each override's script as a file for the harness, by override key. */
const scriptFiles = new Map<string, string>();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-health-real-'));
  [...overrides].forEach(([key, override], index) => {
    const file = join(dir, `${index}.lua`);
    writeFileSync(file, override.healthLua);
    scriptFiles.set(key, file);
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const healthOnly = (result: LuaHealthResult | undefined) =>
  result?.error !== undefined
    ? { error: result.error }
    : { status: result?.status, message: result?.message };
const expectedOf = (health: { status?: string; message?: string }) => ({
  status: health.status,
  message: health.message,
});

/** Runs each object with the script and libraries Argo CD would take from our argocd-cm data. */
async function runOurs(objects: object[]): Promise<LuaHealthResult[]> {
  return runLuaHealth(
    objects.map((object) => {
      const chosen = healthScriptFor(overrides, object);
      if (!chosen) throw new Error(`no customization for ${JSON.stringify(object).slice(0, 80)}`);
      return { script: scriptFiles.get(chosen.key), object, openLibs: chosen.useOpenLibs };
    }),
  );
}

const ourCases = customizations.flatMap((customization) =>
  customization.tests.map((test) => ({
    name: `${customization.folder}/${test.inputPath}`,
    object: test.object as object,
    expected: test.expected,
  })),
);

describe('our health_test.yaml cases in gopher-lua', () => {
  it('covers every folder', () => {
    expect(new Set(ourCases.map((c) => c.name.slice(0, c.name.indexOf('/testdata/'))))).toEqual(
      new Set(customizations.map((c) => c.folder)),
    );
  });

  it.each(ourCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [result] = await runOurs([c.object]);
    expect(healthOnly(result)).toEqual(expectedOf(c.expected));
  });
});

describe("Argo CD's own Crossplane fixtures through our scripts in gopher-lua", () => {
  it.each(argocdFixtures().map((f) => [fixtureName(f), f] as const))('%s', async (_name, fixture) => {
    const [result] = await runOurs([fixture.object]);
    expect(healthOnly(result)).toEqual(expectedOf(fixture.expected));
  });
});

describe("Argo CD's built-in scripts on our Crossplane testdata", () => {
  it('agree with ours except on objects without a status, which upstream calls Healthy and ours Progressing', async () => {
    // Only kinds Argo CD ships a built-in script for: our own groups have none.
    const crossplaneCases = ourCases.filter((c) => /(crossplane|upbound)\.io\//.test(c.name));
    const builtIn = await runLuaHealth(crossplaneCases.map((c) => ({ object: c.object })));
    const differing = crossplaneCases
      .map((c, index) => ({ ...c, upstream: healthOnly(builtIn[index]) }))
      .filter((c) => JSON.stringify(c.upstream) !== JSON.stringify(expectedOf(c.expected)));
    expect(differing.length).toBeGreaterThan(0);
    for (const c of differing) {
      expect((c.object as { status?: unknown }).status, c.name).toBeUndefined();
      expect(c.upstream, c.name).toEqual({ status: 'Healthy', message: 'Resource is up-to-date.' });
      expect(c.expected.status, c.name).toBe('Progressing');
    }
  });
});

describe('how a script is run: the same answers as in-process', () => {
  it.each(VM_SEMANTICS_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const file = join(dir, `vm-${VM_SEMANTICS_CASES.indexOf(c)}.lua`);
    writeFileSync(file, c.script);
    const [result] = await runLuaHealth([
      { script: file, object: c.object, openLibs: c.useOpenLibs ?? false },
    ]);
    if ('error' in c.expected) expect(result?.error).toMatch(c.expected.error);
    else expect({ status: result?.status, message: result?.message }).toEqual(expectedOf(c.expected));
  });
});
