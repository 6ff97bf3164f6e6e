/**
 * The health customizations as argocd-cm data, and that data read back the way Argo CD v3.5.1
 * reads it (util/settings/settings.go GetResourceOverrides), so what runs in-process is what the
 * ConfigMap says.
 *
 * Key forms: an exact kind gets `resource.customizations.health.<group>_<Kind>` (plus
 * `resource.customizations.useOpenLibs.<group>_<Kind>: "true"` where set). A wildcard such as
 * `*.upbound.io/*` cannot be a ConfigMap key (keys allow only `[-._a-zA-Z0-9]`), so wildcards go
 * into the one `resource.customizations` key, a YAML map of `<group>/<Kind>` to
 * `{health.lua, health.lua.useOpenLibs}`, as Argo CD's health documentation prescribes.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type HealthCustomization, loadHealthCustomizations } from './customizations.js';

export const RESOURCE_CUSTOMIZATIONS = 'resource.customizations';

/** Argo CD's ResourceOverride, the health part. */
export interface HealthOverride {
  healthLua: string;
  useOpenLibs: boolean;
}

export class ArgocdCmError extends Error {
  override name = 'ArgocdCmError';
}

const isWildcard = (key: string) => key.includes('*');

/** `failover.switchyard.dev/Failover` → `failover.switchyard.dev_Failover` (core kinds stay `Kind`). */
const splitKeySuffix = (key: string) => key.replace('/', '_');

/** argocd-cm `data` entries for the given customizations (default: the shipped ones). */
export function argocdCmHealthData(
  customizations: readonly HealthCustomization[] = loadHealthCustomizations(),
): Record<string, string> {
  const data: Record<string, string> = {};
  const wildcards: Record<string, Record<string, string | boolean>> = {};
  for (const { key, script, useOpenLibs } of customizations) {
    if (isWildcard(key)) {
      wildcards[key] = { 'health.lua': script, ...(useOpenLibs ? { 'health.lua.useOpenLibs': true } : {}) };
      continue;
    }
    data[`${RESOURCE_CUSTOMIZATIONS}.health.${splitKeySuffix(key)}`] = script;
    if (useOpenLibs) data[`${RESOURCE_CUSTOMIZATIONS}.useOpenLibs.${splitKeySuffix(key)}`] = 'true';
  }
  if (Object.keys(wildcards).length > 0) {
    // Literal blocks, never folded: the scripts read in argocd-cm exactly as in their files.
    data[RESOURCE_CUSTOMIZATIONS] = stringifyYaml(wildcards, { blockQuote: 'literal', lineWidth: 0 });
  }
  return data;
}

/** The customization types settings.go accepts in split keys; only health and useOpenLibs matter here. */
const SPLIT_KEY_TYPES = new Set([
  'health',
  'useOpenLibs',
  'actions',
  'ignoreDifferences',
  'ignoreResourceUpdates',
  'knownTypeFields',
]);

/** Argo CD's resource overrides with a health script, from argocd-cm data, as settings.go builds them. */
export function healthOverridesFromArgocdCm(
  data: Readonly<Record<string, string>>,
): Map<string, HealthOverride> {
  const overrides = new Map<string, HealthOverride>();
  const entry = (key: string) => {
    const override = overrides.get(key) ?? { healthLua: '', useOpenLibs: false };
    overrides.set(key, override);
    return override;
  };
  const whole = data[RESOURCE_CUSTOMIZATIONS];
  if (whole) {
    for (const [key, raw] of Object.entries(parseWholeKey(whole))) {
      const override = entry(key);
      override.healthLua = typeof raw['health.lua'] === 'string' ? raw['health.lua'] : '';
      override.useOpenLibs = raw['health.lua.useOpenLibs'] === true;
    }
  }
  for (const [name, value] of Object.entries(data)) {
    if (!name.startsWith(RESOURCE_CUSTOMIZATIONS)) continue;
    const parts = splitN(name, '.', 4);
    if (parts.length < 4) continue;
    const [, , type = '', groupKind = ''] = parts;
    if (!SPLIT_KEY_TYPES.has(type))
      throw new ArgocdCmError(`resource customization type ${type} not supported`);
    const key = overrideKey(groupKind);
    if (type === 'health') entry(key).healthLua = value;
    if (type === 'useOpenLibs') entry(key).useOpenLibs = parseGoBool(name, value);
  }
  for (const [key, override] of overrides) if (!override.healthLua) overrides.delete(key);
  return overrides;
}

function parseWholeKey(text: string): Record<string, Record<string, unknown>> {
  const parsed: unknown = parseYaml(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ArgocdCmError(`${RESOURCE_CUSTOMIZATIONS}: must be a map of <group>/<Kind> to overrides`);
  }
  return parsed as Record<string, Record<string, unknown>>;
}

/** Go's strings.SplitN. */
function splitN(text: string, separator: string, n: number): string[] {
  const parts = text.split(separator);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(separator)];
}

/** settings.go convertToOverrideKey: `group_Kind` → `group/Kind`, `Kind` stays, `all` → `*\/*`. */
function overrideKey(groupKind: string): string {
  const parts = groupKind.split('_');
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && groupKind !== '') return groupKind === 'all' ? '*/*' : groupKind;
  throw new ArgocdCmError(
    `group kind should be in format \`resource.customizations.<type>.<group_kind>\` or resource.customizations.<type>.<kind>\`, got group kind: '${groupKind}'`,
  );
}

/** strconv.ParseBool. */
function parseGoBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new ArgocdCmError(`${name}: strconv.ParseBool: parsing "${value}": invalid syntax`);
}
