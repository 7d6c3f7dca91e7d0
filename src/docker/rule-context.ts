/**
 * How Docker rule modules get the shared analysis: one `analyzeDocker` per
 * lint run through `context.memo`, and nothing at all when the dump is not a
 * Docker host's.
 */
import type { RuleContext } from '../engine/types.js';
import type { Model } from '../model/types.js';
import { analyzeDocker } from './analyze.js';
import { isDockerInputs } from './load-inputs.js';
import type { DockerAnalysis, DockerInputs } from './types.js';

export const DOCKER_ANALYSIS_MEMO_KEY = 'docker/analysis';

export function dockerInputsOf(context: RuleContext): DockerInputs | undefined {
  const docker = context.inputs.docker;
  return isDockerInputs(docker) ? docker : undefined;
}

/** The analysis, whatever the dump (its generation may be null). */
export function dockerAnalysis(context: RuleContext): DockerAnalysis {
  return context.memo(DOCKER_ANALYSIS_MEMO_KEY, () => analyzeDocker(context.model, dockerInputsOf(context)));
}

/** The analysis a lint run left in its `analyses` map (see LintOptions), computed now if no Docker rule ran. */
export function lintedDockerAnalysis(analyses: Map<string, unknown>, model: Model, inputs: DockerInputs | undefined): DockerAnalysis {
  const cached = analyses.get(DOCKER_ANALYSIS_MEMO_KEY) as DockerAnalysis | undefined;
  if (cached) return cached;
  const analysis = analyzeDocker(model, inputs);
  analyses.set(DOCKER_ANALYSIS_MEMO_KEY, analysis);
  return analysis;
}

/** The analysis when the dump shows Docker's iptables rules; undefined otherwise (rules then do nothing). */
export function activeDockerAnalysis(context: RuleContext): DockerAnalysis | undefined {
  const analysis = dockerAnalysis(context);
  const generation = analysis.detection.generation;
  return generation === null || generation === 'G4-nft' ? undefined : analysis;
}
