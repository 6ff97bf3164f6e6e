/**
 * The argocd-cm entries generated from the health folders, and the script Argo CD picks from them:
 * exact kinds as `resource.customizations.health.<group>_<Kind>` keys, wildcards inside the
 * `resource.customizations` map (a ConfigMap key cannot hold `*`), useOpenLibs where a folder sets
 * it; read back as Argo CD's settings.go reads them, exact key first, then the one matching wildcard.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FailoverResource } from '../../../src/apis/index.js';
import {
  ArgocdCmError,
  argocdCmHealthData,
  healthOverridesFromArgocdCm,
  RESOURCE_CUSTOMIZATIONS,
} from '../../../src/gitops/health/argocd-cm.js';
import {
  type HealthCustomization,
  loadHealthCustomizations,
} from '../../../src/gitops/health/customizations.js';
import { healthFromArgocdCm } from '../../../src/gitops/health/index.js';
import { AmbiguousHealthScriptError, healthScriptFor } from '../../../src/gitops/health/script-for.js';

const shipped = loadHealthCustomizations();
const data = argocdCmHealthData(shipped);

/** A customization made up for a test (no folder behind it). */
const custom = (key: string, script: string, useOpenLibs = false): HealthCustomization => ({
  key,
  folder: key.replaceAll('*', '_'),
  script,
  useOpenLibs,
  tests: [],
});

describe('argocd-cm data for the shipped customizations', () => {
  it('every key is a valid ConfigMap key', () => {
    for (const key of Object.keys(data)) expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
  });

  it('an exact kind is a split key named <group>_<Kind>', () => {
    const key = `${RESOURCE_CUSTOMIZATIONS}.health.${FailoverResource.apiVersion.split('/')[0]}_${FailoverResource.kind}`;
    expect(data[key]).toBe(
      shipped.find((c) => c.key === `${FailoverResource.apiVersion.split('/')[0]}/${FailoverResource.kind}`)
        ?.script,
    );
  });

  it('wildcards are entries of resource.customizations, keyed as Argo CD globs them', () => {
    const whole = parseYaml(data[RESOURCE_CUSTOMIZATIONS] ?? '') as Record<string, Record<string, unknown>>;
    const wildcards = shipped.filter((c) => c.key.includes('*'));
    expect(Object.keys(whole).sort()).toEqual(wildcards.map((c) => c.key).sort());
    expect(Object.keys(whole)).toContain('*.upbound.io/*');
    for (const customization of wildcards) {
      expect(whole[customization.key]).toEqual({ 'health.lua': customization.script });
    }
  });

  it('reads back as one override per folder, with its script and no open libraries', () => {
    const overrides = healthOverridesFromArgocdCm(data);
    expect([...overrides.keys()].sort()).toEqual(shipped.map((c) => c.key).sort());
    for (const customization of shipped) {
      expect(overrides.get(customization.key)).toEqual({
        healthLua: customization.script,
        useOpenLibs: false,
      });
    }
  });
});

describe('useOpenLibs', () => {
  const script = 'return { status = "Healthy", message = string.upper(obj.kind) }';
  const widget = { apiVersion: 'example.test/v1', kind: 'Widget' };

  it('an exact kind gets resource.customizations.useOpenLibs.<group>_<Kind>: "true"', () => {
    const cm = argocdCmHealthData([custom('example.test/Widget', script, true)]);
    expect(cm).toEqual({
      'resource.customizations.health.example.test_Widget': script,
      'resource.customizations.useOpenLibs.example.test_Widget': 'true',
    });
    expect(healthFromArgocdCm(cm)(widget)).toEqual({ status: 'Healthy', message: 'WIDGET' });
  });

  it('a wildcard gets health.lua.useOpenLibs in its resource.customizations entry', () => {
    const cm = argocdCmHealthData([custom('*.test/*', script, true)]);
    expect(parseYaml(cm[RESOURCE_CUSTOMIZATIONS] ?? '')).toEqual({
      '*.test/*': { 'health.lua': script, 'health.lua.useOpenLibs': true },
    });
    expect(healthFromArgocdCm(cm)(widget)).toEqual({ status: 'Healthy', message: 'WIDGET' });
  });

  it('without it the string library is missing and the health is Unknown with the error, as in Argo CD', () => {
    const cm = argocdCmHealthData([custom('example.test/Widget', script)]);
    expect(healthFromArgocdCm(cm)(widget)).toEqual({
      status: 'Unknown',
      message: "<string>:1: attempt to index a nil value (global 'string')",
    });
  });
});

describe('which script runs', () => {
  const overrides = healthOverridesFromArgocdCm(
    argocdCmHealthData([
      custom('pkg.example.test/Thing', 'return { status = "Healthy" }'),
      custom('*.example.test/*', 'return { status = "Progressing" }'),
      custom('*.other.test/*', 'return { status = "Degraded" }'),
      custom('*.test/Gadget', 'return { status = "Suspended" }'),
    ]),
  );
  const keyFor = (apiVersion: string, kind: string) => healthScriptFor(overrides, { apiVersion, kind })?.key;

  it('the exact key before any wildcard, a wildcard for the rest of its group, nothing elsewhere', () => {
    expect(keyFor('pkg.example.test/v1', 'Thing')).toBe('pkg.example.test/Thing');
    expect(keyFor('pkg.example.test/v1', 'Other')).toBe('*.example.test/*');
    expect(keyFor('apps/v1', 'Deployment')).toBeUndefined();
    expect(keyFor('v1', 'ConfigMap')).toBeUndefined();
  });

  it('two matching wildcards are refused: Argo CD would pick one at random', () => {
    expect(() => keyFor('a.other.test/v1', 'Gadget')).toThrow(AmbiguousHealthScriptError);
    expect(() => keyFor('a.other.test/v1', 'Gadget')).toThrow(
      'a.other.test/Gadget matches health customizations *.other.test/* and *.test/Gadget; Argo CD would pick one at random',
    );
  });
});

describe('argocd-cm data Argo CD would refuse', () => {
  it('an unknown customization type', () => {
    expect(() =>
      healthOverridesFromArgocdCm({ 'resource.customizations.healthcheck.example.test_Widget': 'x' }),
    ).toThrow(new ArgocdCmError('resource customization type healthcheck not supported'));
  });

  it('a group kind with more than one underscore', () => {
    expect(() => healthOverridesFromArgocdCm({ 'resource.customizations.health.a_b_c': 'x' })).toThrow(
      /got group kind: 'a_b_c'/,
    );
  });

  it('a useOpenLibs value that is not a Go bool', () => {
    expect(() =>
      healthOverridesFromArgocdCm({ 'resource.customizations.useOpenLibs.example.test_Widget': 'yes' }),
    ).toThrow('strconv.ParseBool: parsing "yes": invalid syntax');
  });
});
