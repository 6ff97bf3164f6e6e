import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argocdFixtures } from '../gitops/health/argocd-fixtures.js';
import { runLuaHealth } from './support/lua-health.js';
import { argocdResourceCustomizations } from './support/paths.js';

/**
 * Argo CD v3.5.1's own health scripts (from the released Go module, via real:setup) run in the
 * gopher-lua harness that replicates util/lua/lua.go, on Argo CD's own test fixtures (stored in
 * ../shared/schemas/argocd/health-testdata): every expected status and message must come out.
 */

const fixtures = argocdFixtures();

describe("Argo CD's upstream health.lua scripts in the gopher-lua harness", () => {
  it('covers the Crossplane, Upbound and Provider scripts', () => {
    expect(new Set(fixtures.map((fixture) => fixture.resourceKey))).toEqual(
      new Set(['_.crossplane.io/_', '_.upbound.io/_', 'pkg.crossplane.io/Provider']),
    );
  });

  // Like Argo CD's TestLuaHealthScript, the script is chosen from the object's group/kind
  // (GetHealthScript), so a Provider fixture filed under _.crossplane.io/_ runs the more specific
  // pkg.crossplane.io/Provider script, exactly as in Argo CD.
  it.each(fixtures.map((fixture) => [`${fixture.resourceKey} ${fixture.inputPath}`, fixture] as const))(
    '%s gives the expected status and message',
    async (_name, fixture) => {
      const [result] = await runLuaHealth([{ object: fixture.object }]);
      expect(result?.script?.startsWith(argocdResourceCustomizations)).toBe(true);
      expect({ status: result?.status, message: result?.message }).toEqual({
        status: fixture.expected.status,
        message: fixture.expected.message,
      });
    },
  );

  it('picks scripts by group/kind like Argo CD: exact folder first, then sorted wildcard folders', async () => {
    const kinds = [
      { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider' },
      { apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition' },
      { apiVersion: 'rds.aws.m.upbound.io/v1beta1', kind: 'Cluster' },
      { apiVersion: 'failover.switchyard.dev/v1alpha1', kind: 'Failover' },
    ];
    const results = await runLuaHealth(kinds.map((object) => ({ object })));
    const picked = results.map((result) =>
      result.script ? relative(argocdResourceCustomizations, dirname(result.script)) : undefined,
    );
    expect(picked).toEqual(['pkg.crossplane.io/Provider', '_.crossplane.io/_', '_.upbound.io/_', undefined]);
  });
});

describe('the harness reproduces util/lua/lua.go semantics', () => {
  let dir = '';
  const script = (name: string, source: string) => {
    const path = join(dir, `${name}.lua`);
    writeFileSync(path, source);
    return path;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-lua-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps a status outside the known codes to Unknown with Argo CD message', async () => {
    const [result] = await runLuaHealth([
      { script: script('invalid', 'return { status = "Fine", message = "ok" }'), object: {} },
    ]);
    expect(result).toMatchObject({ status: 'Unknown', message: 'Lua returned an invalid health status' });
  });

  it('drops JSON nulls: a null field is nil in obj', async () => {
    const source =
      'if obj.status == nil then return { status = "Progressing", message = "no status" } end\n' +
      'return { status = "Healthy" }';
    const [result] = await runLuaHealth([{ script: script('nulls', source), object: { status: null } }]);
    expect(result).toMatchObject({ status: 'Progressing', message: 'no status' });
  });

  it('replicates Argo CD safe-os registration, including its quirk', async () => {
    // Argo CD's OpenSafeOs registers time/date under the module name "table", which is already
    // loaded, so nothing is added. With open libs (all built-in scripts) the global os is the full
    // stock library; without them there is no global os. Either way require("os") gives {time, date}.
    const source =
      'local safe = require("os")\n' +
      'return { status = "Healthy", message = type(os) .. "," .. type(os and os.exit) .. "," .. type(table.time) .. "," .. type(safe.time) .. "," .. type(safe.exit) }';
    const path = script('safe-os', source);
    const [openLibs, noOpenLibs] = await runLuaHealth([
      { script: path, object: {}, openLibs: true },
      { script: path, object: {}, openLibs: false },
    ]);
    expect(openLibs?.message).toBe('table,function,nil,function,nil');
    expect(noOpenLibs?.message).toBe('nil,nil,nil,function,nil');
  });

  it('stops a script after the 1 s timeout', async () => {
    const started = Date.now();
    const [result] = await runLuaHealth([{ script: script('loop', 'while true do end'), object: {} }]);
    expect(result?.error).toMatch(/context deadline exceeded/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('treats an empty table or nil as "no health" and a non-table as an error', async () => {
    const results = await runLuaHealth([
      { script: script('empty', 'return {}'), object: {} },
      { script: script('nil', 'return nil'), object: {} },
      { script: script('string', 'return "Healthy"'), object: {} },
    ]);
    expect(results.map(({ script: _script, ...rest }) => rest)).toEqual([
      {},
      {},
      { error: 'expect table output from Lua script, not string' },
    ]);
  });
});
