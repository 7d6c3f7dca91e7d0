/**
 * Wording and reporting shared by the Docker rule modules: every finding
 * names the network (by Docker name and bridge), the container for port
 * findings, where the rule is or should go, and the command that fixes it.
 */
import type { RuleContext, Severity } from '../engine/types.js';
import { addRuleCommand, deleteRuleCommand, newChainCommand } from './fix-command.js';
import { hasChain, ruleSpecText, ruleSpecWords } from './model-access.js';
import type { ClassifiedRule, DockerAnalysis, InvariantId, MissingRule, UnexpectedRule } from './types.js';

/** `network "web" (br-3af4c2d1e5f6)`, or `network "bridge1"` when the bridge has the network's name. */
export function networkLabel(analysis: DockerAnalysis, name: string | undefined): string {
  if (name === undefined || name === '') return 'an unknown network';
  const network = analysis.networkNamed(name);
  if (!network || network.bridge === name || network.bridge === '') return `network "${name}"`;
  return `network "${name}" (${network.bridge})`;
}

export function generationLabel(analysis: DockerAnalysis): string {
  const { generation, versions } = analysis.detection;
  return `Docker ${versions}${generation ? ` (${generation})` : ''}`;
}

function subject(analysis: DockerAnalysis, network: string | undefined): string {
  return network === undefined ? 'Docker' : networkLabel(analysis, network);
}

export function missingMessage(analysis: DockerAnalysis, missing: MissingRule): string {
  const want = missing.expected;
  const where = `${want.table} ${want.chain}`;
  const unknown = want.incomplete ? ' (the dump does not show every value: fill in the <…> placeholder)' : '';
  return `${subject(analysis, want.network)}: missing ${want.purpose} in ${where}, which ${generationLabel(analysis)} installs: ${want.shapes[0] ?? ''}${unknown}`;
}

export function missingFix(analysis: DockerAnalysis, missing: MissingRule): string {
  const want = missing.expected;
  const command = addRuleCommand(analysis.family, want.table, want.shapes[0] ?? '', want.insertAt);
  return want.incomplete ? `${command}   # replace the <…> placeholder` : command;
}

export function reportMissing(context: RuleContext, analysis: DockerAnalysis, missing: MissingRule, severity?: Severity): void {
  const want = missing.expected;
  let message = missingMessage(analysis, missing);
  let fix = missingFix(analysis, missing);
  if (!hasChain(context.model, want.table, want.chain)) {
    message += `; chain ${want.chain} does not exist in table ${want.table}`;
    fix = `${newChainCommand(analysis.family, want.table, want.chain)} && ${fix}`;
  }
  context.report({ message, span: missing.span, fix, ...(severity ? { severity } : {}) });
}

export function describeRule(classified: ClassifiedRule): string {
  return `-A ${classified.rule.chain} ${ruleSpecText(classified.rule)}`;
}

/** The rule as `-A CHAIN spec` words, as iptables reads them (for fix commands). */
export function ruleWords(classified: ClassifiedRule): string[] {
  return ['-A', classified.rule.chain, ...ruleSpecWords(classified.rule)];
}

export function reportUnexpected(context: RuleContext, analysis: DockerAnalysis, unexpected: UnexpectedRule, lead: string, severity?: Severity): void {
  const classified = unexpected.classified;
  const owner = classified.container ? `, container "${classified.container}"` : '';
  context.report({
    message: `${subject(analysis, classified.network)}${owner}: ${lead} \`${describeRule(classified)}\` (${classified.rule.table} table) but ${unexpected.reason}`,
    span: classified.rule.span,
    fix: deleteRuleCommand(analysis.family, classified.rule),
    ...(severity ? { severity } : {}),
  });
}

export function missingOf(analysis: DockerAnalysis, invariant: InvariantId): MissingRule[] {
  const explained = new Set<MissingRule>();
  for (const pair of analysis.disagreements) {
    explained.add(pair.missing);
    if (pair.alsoExplains) explained.add(pair.alsoExplains);
  }
  return analysis.missing.filter((entry) => entry.expected.invariant === invariant && !explained.has(entry));
}

/** Unexpected rules of the invariant whose network, container and port are known: the setting is what disagrees. */
export function misconfiguredOf(analysis: DockerAnalysis, invariant: InvariantId): UnexpectedRule[] {
  return analysis.unexpected.filter((entry) => entry.classified.invariant === invariant && !entry.stale && !entry.paired);
}
