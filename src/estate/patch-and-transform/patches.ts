/**
 * Builders for the patch types the estate uses. Paths use Crossplane's field-path syntax
 * (`spec.forProvider.tags[platform]`, `status.subnetIds[0]`).
 */
import type {
  CombineFromCompositePatch,
  FromCompositeFieldPathPatch,
  FromFieldPathPolicy,
  PatchSetPatch,
  ToCompositeFieldPathPatch,
  Transform,
} from './types.js';

interface Options {
  transforms?: Transform[];
  /** Default Optional: a missing source skips the patch. */
  policy?: FromFieldPathPolicy;
}

function options(opts: Options): Pick<FromCompositeFieldPathPatch, 'transforms' | 'policy'> {
  const out: Pick<FromCompositeFieldPathPatch, 'transforms' | 'policy'> = {};
  if (opts.transforms?.length) out.transforms = opts.transforms;
  if (opts.policy) out.policy = { fromFieldPath: opts.policy };
  return out;
}

/** XR → composed resource. `to` defaults to `from` (same path on both sides). */
export function fromComposite(
  from: string,
  to: string = from,
  opts: Options = {},
): FromCompositeFieldPathPatch {
  return { type: 'FromCompositeFieldPath', fromFieldPath: from, toFieldPath: to, ...options(opts) };
}

/**
 * XR → composed resource for a value the resource cannot be created without and that may arrive
 * later (through status): a new resource is held back until the source exists, never composed
 * without it. The XR is not ready meanwhile (docs/adr/0005-estate.md, "held back").
 */
export function requiredFromComposite(
  from: string,
  to: string,
  opts: Omit<Options, 'policy'> = {},
): FromCompositeFieldPathPatch {
  return fromComposite(from, to, { ...opts, policy: 'Required' });
}

/** Observed composed resource → XR (status). Skipped until the composed resource is observed. */
export function toComposite(from: string, to: string, opts: Options = {}): ToCompositeFieldPathPatch {
  return { type: 'ToCompositeFieldPath', fromFieldPath: from, toFieldPath: to, ...options(opts) };
}

/** Several XR fields formatted into one string (all must exist, or the patch is skipped). */
export function combineFromComposite(
  variables: string[],
  fmt: string,
  to: string,
  opts: Options = {},
): CombineFromCompositePatch {
  return {
    type: 'CombineFromComposite',
    combine: {
      strategy: 'string',
      variables: variables.map((fromFieldPath) => ({ fromFieldPath })),
      string: { fmt },
    },
    toFieldPath: to,
    ...options(opts),
  };
}

export function patchSet(name: string): PatchSetPatch {
  return { type: 'PatchSet', patchSetName: name };
}

/**
 * A text with `{{name}}` markers (a JSON document built in TypeScript) as one string Combine: each
 * marker becomes a `%s` filled from the XR field `fields[name]`, in order; a literal `%` is escaped.
 */
export function combineTemplate(
  text: string,
  fields: Record<string, string>,
  to: string,
  opts: Options = {},
): CombineFromCompositePatch {
  const variables: string[] = [];
  const fmt = text.replaceAll('%', '%%').replace(/\{\{([\w-]+)\}\}/g, (_, name: string) => {
    const path = fields[name];
    if (path === undefined) throw new Error(`combineTemplate: no XR field for {{${name}}}`);
    variables.push(path);
    return '%s';
  });
  if (fmt.includes('{{')) throw new Error(`combineTemplate: a marker is not {{name}}: ${fmt}`);
  return combineFromComposite(variables, fmt, to, opts);
}
