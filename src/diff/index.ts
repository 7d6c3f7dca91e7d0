/** Semantic diff of two dumps of a host. */
export { diffHosts, type DiffSideInput } from './diff.js';
export { diffJson, renderDiff } from './render.js';
export type * from './types.js';
