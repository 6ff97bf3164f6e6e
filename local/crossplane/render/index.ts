export { CompositionSet } from './compositions.js';
export type { KubeObject } from './objects.js';
export { type RecursiveRenderOptions, type RenderedTree, renderTree } from './recursive.js';
export { RENDER_CONDITION_TIME, RenderError, type RenderOutput, renderComposite } from './render.js';
