/**
 * A Crossplane v1 Composition in Pipeline mode: function-patch-and-transform composes, then
 * function-auto-ready marks composed resources ready from their Ready condition. Function names
 * are the ones the package manager gives dependencies, so the Composition works whether the
 * functions were installed by hand (compositions/packages.yaml) or as Configuration dependencies.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ComposedTemplate, Composition, PatchSet } from './types.js';

export const PATCH_AND_TRANSFORM_FUNCTION = 'crossplane-contrib-function-patch-and-transform';
export const AUTO_READY_FUNCTION = 'crossplane-contrib-function-auto-ready';

export interface PipelineCompositionProps {
  name: string;
  compositeTypeRef: { apiVersion: string; kind: string };
  /** Matched by an XR's `spec.crossplane.compositionSelector.matchLabels`. */
  labels?: Record<string, string>;
  patchSets?: PatchSet[];
  resources: ComposedTemplate[];
}

export function pipelineComposition(props: PipelineCompositionProps): Composition {
  const names = new Set<string>();
  for (const resource of props.resources) {
    // Duplicate names would silently overwrite each other in P&T's desired map.
    if (names.has(resource.name))
      throw new Error(`${props.name}: duplicate composed resource name ${resource.name}`);
    names.add(resource.name);
  }
  return {
    apiVersion: 'apiextensions.crossplane.io/v1',
    kind: 'Composition',
    metadata: { name: props.name, labels: { 'app.kubernetes.io/part-of': 'switchyard', ...props.labels } },
    spec: {
      compositeTypeRef: props.compositeTypeRef,
      mode: 'Pipeline',
      pipeline: [
        {
          step: 'patch-and-transform',
          functionRef: { name: PATCH_AND_TRANSFORM_FUNCTION },
          input: {
            apiVersion: 'pt.fn.crossplane.io/v1beta1',
            kind: 'Resources',
            ...(props.patchSets?.length ? { patchSets: props.patchSets } : {}),
            resources: props.resources,
          },
        },
        { step: 'auto-ready', functionRef: { name: AUTO_READY_FUNCTION } },
      ],
    },
  };
}

/** The cdk8s construct for one Composition document. */
export class PipelineComposition extends Construct {
  readonly composition: Composition;

  constructor(scope: Construct, id: string, props: PipelineCompositionProps) {
    super(scope, id);
    this.composition = pipelineComposition(props);
    new ApiObject(this, 'composition', this.composition);
  }
}
