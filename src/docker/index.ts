/** The Docker audit's public surface. */
export { analyzeDocker, dockerInventory } from './analyze.js';
export { detectGeneration } from './detect-generation.js';
export { generationOfVersion, parseDockerVersion } from './docker-version.js';
export { DockerInputError, formatKeyPath } from './input-error.js';
export { dockerInputsFrom, isDockerInputs, loadDockerInputs, type DockerInputPaths, type DockerInputSources } from './load-inputs.js';
export { activeDockerAnalysis, dockerAnalysis, dockerInputsOf, lintedDockerAnalysis } from './rule-context.js';
export type * from './types.js';
export { parseStructured, readStructuredFile, structuredValue, type StructuredFile } from './structured-file.js';
