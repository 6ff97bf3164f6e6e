/**
 * The subset of function-patch-and-transform's input (`pt.fn.crossplane.io/v1beta1` Resources,
 * v0.10.x) that the estate emits. Narrower than upstream on purpose: the in-repo renderer
 * (local/crossplane/render) implements exactly these shapes, so a type here without an
 * implementation there cannot slip in.
 */

export type MapTransform = { type: 'map'; map: Record<string, string> };
export type MathTransform =
  | { type: 'math'; math: { type: 'Multiply'; multiply: number } }
  | { type: 'math'; math: { type: 'ClampMin'; clampMin: number } }
  | { type: 'math'; math: { type: 'ClampMax'; clampMax: number } };
export type StringTransform =
  | { type: 'string'; string: { type: 'Format'; fmt: string } }
  | { type: 'string'; string: { type: 'Convert'; convert: 'ToUpper' | 'ToLower' | 'ToBase64' } }
  | { type: 'string'; string: { type: 'Regexp'; regexp: { match: string; group?: number } } };
export type ConvertTransform = {
  type: 'convert';
  convert: { toType: 'string' | 'int' | 'int64' | 'bool' | 'float64' };
};
export type Transform = MapTransform | MathTransform | StringTransform | ConvertTransform;

/** `Required` keeps a new composed resource out of the desired state until the source exists. */
export type FromFieldPathPolicy = 'Optional' | 'Required';

interface PatchOptions {
  transforms?: Transform[];
  policy?: { fromFieldPath: FromFieldPathPolicy };
}

export type FromCompositeFieldPathPatch = PatchOptions & {
  type: 'FromCompositeFieldPath';
  fromFieldPath: string;
  toFieldPath: string;
};
export type ToCompositeFieldPathPatch = PatchOptions & {
  type: 'ToCompositeFieldPath';
  fromFieldPath: string;
  toFieldPath: string;
};
export type CombineFromCompositePatch = PatchOptions & {
  type: 'CombineFromComposite';
  combine: { strategy: 'string'; variables: { fromFieldPath: string }[]; string: { fmt: string } };
  toFieldPath: string;
};
export type PatchSetPatch = { type: 'PatchSet'; patchSetName: string };

/** Patches a patch set may hold (upstream forbids nesting PatchSet inside a PatchSet). */
export type DirectPatch = FromCompositeFieldPathPatch | ToCompositeFieldPathPatch | CombineFromCompositePatch;
export type Patch = DirectPatch | PatchSetPatch;

export type ReadinessCheck =
  | { type: 'None' }
  | { type: 'NonEmpty'; fieldPath: string }
  | { type: 'MatchString'; fieldPath: string; matchString: string }
  | { type: 'MatchInteger'; fieldPath: string; matchInteger: number }
  | { type: 'MatchTrue'; fieldPath: string }
  | { type: 'MatchCondition'; matchCondition: { type: string; status: 'True' | 'False' | 'Unknown' } };

/** A Kubernetes object used as a base: apiVersion and kind always, anything else optional. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ComposedTemplate {
  /** Becomes the `crossplane.io/composition-resource-name` annotation; observed fixtures key on it. */
  name: string;
  base: KubernetesObject;
  patches?: Patch[];
  readinessChecks?: ReadinessCheck[];
}

export interface PatchSet {
  name: string;
  patches: DirectPatch[];
}

export interface ResourcesInput {
  apiVersion: 'pt.fn.crossplane.io/v1beta1';
  kind: 'Resources';
  patchSets?: PatchSet[];
  resources: ComposedTemplate[];
}

export interface PipelineStep {
  step: string;
  functionRef: { name: string };
  input?: ResourcesInput;
}

export interface Composition {
  apiVersion: 'apiextensions.crossplane.io/v1';
  kind: 'Composition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    compositeTypeRef: { apiVersion: string; kind: string };
    mode: 'Pipeline';
    pipeline: PipelineStep[];
  };
}
