/**
 * `check --verbose`: what iptlint concluded about each dump before linting
 * it — the Docker generation, the facts that decided it, and where the
 * expected Docker state came from.
 */
import type { DockerAnalysis } from '../docker/types.js';
import { neutralize } from '../formatters/terminal-text.js';

export function describeGeneration(file: string, analysis: DockerAnalysis): string {
  const { detection } = analysis;
  const lines: string[] = [];
  if (detection.generation === null) {
    lines.push(`${file}: not a Docker host's dump (no Docker chains found)`);
  } else {
    const variant = detection.variant ? `, variant ${detection.variant}` : '';
    lines.push(`${file}: Docker generation ${detection.generation} (${detection.versions}${variant}), decided by the ${detection.decidedBy}`);
    const networks = analysis.networks.map(({ state }) => `${state.name} (${state.bridge})`).join(', ');
    lines.push(`  expected state from ${analysis.stateSource}: ${analysis.networks.length} network(s)${networks ? `: ${networks}` : ''}`);
  }
  for (const evidence of detection.evidence) {
    const where = evidence.span ? `${file}:${evidence.span.line}:${evidence.span.column}: ` : '';
    lines.push(`  evidence: ${where}${evidence.fact}`);
  }
  if (detection.conflict) lines.push(`  note: ${detection.conflict}`);
  return lines.map(neutralize).join('\n') + '\n';
}
