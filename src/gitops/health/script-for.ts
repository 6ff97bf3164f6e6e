/**
 * Which argocd-cm health script Argo CD v3.5.1 runs for an object (util/lua/lua.go
 * GetHealthScript, the resource-override half): the exact `<group>/<Kind>` key first, else a
 * wildcard key that glob-matches it. Argo CD takes the first wildcard of a Go map iteration, so two
 * matching wildcards would make its choice random: that is refused here.
 */
import { wildcardRegExp } from '../../common/wildcard.js';
import { ArgocdCmError, type HealthOverride } from './argocd-cm.js';

export interface GroupKind {
  apiVersion?: unknown;
  kind?: unknown;
}

export interface ChosenScript extends HealthOverride {
  /** The override key that matched, e.g. `*.upbound.io/*`. */
  key: string;
}

export class AmbiguousHealthScriptError extends Error {
  override name = 'AmbiguousHealthScriptError';
}

/** Argo CD's GetConfigMapKey: `<group>/<Kind>`, or `<Kind>` for the core group. */
export function configMapKey(object: GroupKind): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const slash = apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  return group ? `${group}/${kind}` : kind;
}

export function healthScriptFor(
  overrides: ReadonlyMap<string, HealthOverride>,
  object: GroupKind,
): ChosenScript | undefined {
  const key = overrideKeyFor([...overrides.keys()], object);
  const override = key === undefined ? undefined : overrides.get(key);
  return key === undefined || !override ? undefined : { key, ...override };
}

/** The override key among `keys` that Argo CD uses for `object`: exact first, else the one matching wildcard. */
export function overrideKeyFor(keys: readonly string[], object: GroupKind): string | undefined {
  const key = configMapKey(object);
  if (keys.includes(key)) return key;
  const matching = keys.filter((pattern) => globMatch(pattern, key));
  if (matching.length > 1) {
    throw new AmbiguousHealthScriptError(
      `${key} matches health customizations ${matching.join(' and ')}; Argo CD would pick one at random`,
    );
  }
  return matching[0];
}

/**
 * github.com/gobwas/glob without separators, as argo-cd util/glob uses it for override keys:
 * `*` is any run of characters (a `/` included), `?` any one character. Character classes and
 * alternatives are refused rather than half-supported.
 */
export function globMatch(pattern: string, text: string): boolean {
  if (/[[\]{}\\]/.test(pattern)) {
    throw new ArgocdCmError(`health customization key ${pattern}: only * and ? wildcards are supported`);
  }
  return wildcardRegExp(pattern, 's').test(text);
}
