import type { LintRule, RuleContext } from '../src/engine/types.js';
import type { Rule } from '../src/model/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { addRuleCommand, deleteRuleCommand } from '../src/docker/fix-command.js';
import { generationLabel, misconfiguredOf, missingOf, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { jumpsTo, rulesOf } from '../src/docker/model-access.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';
import type { DockerAnalysis } from '../src/docker/types.js';

/** Per generation: the jumps Docker keeps in this order at the head of a chain (§8.2). */
function jumpOrder(analysis: DockerAnalysis): { chain: string; targets: string[] }[] {
  const { generation, variant } = analysis.detection;
  switch (generation) {
    case 'G1a':
      return [];
    case 'G1b':
      return [{ chain: 'FORWARD', targets: ['DOCKER-USER', 'DOCKER-ISOLATION'] }];
    case 'G2':
      return [{ chain: 'FORWARD', targets: ['DOCKER-USER', 'DOCKER-ISOLATION-STAGE-1'] }];
    case 'G3':
      if (variant === '28.0.0') return [{ chain: 'FORWARD', targets: ['DOCKER-USER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER'] }];
      return [
        { chain: 'FORWARD', targets: ['DOCKER-USER', 'DOCKER-FORWARD'] },
        { chain: 'DOCKER-FORWARD', targets: ['DOCKER-CT', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-BRIDGE'] },
      ];
    case 'G4':
      return [
        { chain: 'FORWARD', targets: ['DOCKER-USER', 'DOCKER-FORWARD'] },
        { chain: 'DOCKER-FORWARD', targets: ['DOCKER-CT', 'DOCKER-INTERNAL', 'DOCKER-BRIDGE'] },
      ];
    default:
      return [];
  }
}

function firstJump(context: RuleContext, chain: string, target: string): Rule | undefined {
  return rulesOf(context.model, 'filter', chain).find(
    (rule) => (rule.action.kind === 'jump' || rule.action.kind === 'goto') && rule.action.chain === target,
  );
}

function isAcceptAll(rule: Rule): boolean {
  return rule.unconditional && rule.action.kind === 'verdict' && rule.action.verdict === 'ACCEPT';
}

function checkDockerUserFirst(context: RuleContext, analysis: DockerAnalysis): void {
  const jump = firstJump(context, 'FORWARD', 'DOCKER-USER');
  if (!jump || jump.index === 0) return;
  const above = rulesOf(context.model, 'filter', 'FORWARD').slice(0, jump.index);
  const acceptAll = above.find(isAcceptAll);
  if (acceptAll) {
    context.report({
      message: `\`-A FORWARD -j ACCEPT\` (rule ${acceptAll.index + 1}) accepts every forwarded packet before DOCKER-USER, Docker's isolation and its DROPs run: containers on all networks reach each other and every container port is open to hosts that route to the bridges`,
      span: acceptAll.span,
      fix: deleteRuleCommand(analysis.family, acceptAll),
      related: [{ message: 'the DOCKER-USER jump it preempts', span: jump.span }],
    });
    return;
  }
  const before = above[0];
  context.report({
    message: `FORWARD jumps to DOCKER-USER only at rule ${jump.index + 1}: ${jump.index} rule(s) above it (first: line ${before?.span.line ?? '?'}) decide before the user's DOCKER-USER restrictions run, so they can be bypassed; Docker keeps the jump first`,
    span: jump.span,
    fix: `${deleteRuleCommand(analysis.family, jump)} && ${addRuleCommand(analysis.family, 'filter', '-A FORWARD -j DOCKER-USER', 1)}`,
    related: before ? [{ message: 'first FORWARD rule, which runs before DOCKER-USER', span: before.span }] : [],
  });
}

function checkOrder(context: RuleContext, analysis: DockerAnalysis): void {
  for (const { chain, targets } of jumpOrder(analysis)) {
    const present = targets.map((target) => ({ target, rule: firstJump(context, chain, target) })).filter((entry) => entry.rule !== undefined);
    for (let i = 1; i < present.length; i++) {
      const earlier = present[i - 1];
      const later = present[i];
      if (!earlier?.rule || !later?.rule || later.rule.index > earlier.rule.index) continue;
      context.report({
        message: `${chain} jumps to ${later.target} (rule ${later.rule.index + 1}) before ${earlier.target} (rule ${earlier.rule.index + 1}); ${generationLabel(analysis)} keeps the order ${targets.join(' → ')}`,
        span: later.rule.span,
        fix: `${deleteRuleCommand(analysis.family, later.rule)} && ${addRuleCommand(analysis.family, 'filter', `-A ${chain} -j ${later.target}`, earlier.rule.index + 1)}`,
        related: [{ message: `the jump to ${earlier.target}`, span: earlier.rule.span }],
      });
    }
  }
}

/** A nat jump to DOCKER without `--dst-type LOCAL` sends every packet (not only local destinations) through Docker's DNATs. */
function localOnlyNote(context: RuleContext, chain: string): string {
  const jumps = jumpsTo(context.model, 'nat', chain, 'DOCKER');
  const wrong = jumps.find((rule) => !rule.command.rule?.parts.some((part) => part.kind === 'match' && part.name.text === 'addrtype'));
  return wrong ? ` (line ${wrong.span.line} jumps to DOCKER without \`-m addrtype --dst-type LOCAL\`, so Docker's DNATs apply to every destination)` : '';
}

const rule: LintRule = {
  meta: {
    id: 'docker-chain-wiring',
    severity: 'error',
    category: 'docker',
    docs: {
      description: "Docker's chains exist and are wired as the detected Docker generation wires them: nat PREROUTING/OUTPUT → DOCKER for local destinations, FORWARD → DOCKER-USER first, then the generation's own chain order.",
      rationale:
        'A missing or misplaced jump silently disables a whole layer: without `PREROUTING -m addrtype --dst-type LOCAL -j DOCKER` no published port is reachable; a rule above `FORWARD -j DOCKER-USER` runs before the administrator\'s restrictions; a missing `DOCKER-FORWARD -j DOCKER-BRIDGE` (28.x/29.x) skips the per-bridge DROP that protects unpublished ports. Docker only re-creates these at restart, so drift persists until then.',
      bad: g2Example({ remove: '-A FORWARD -j DOCKER-USER' }, { after: ':DOCKER-USER - [0:0]', insert: '-A FORWARD -i eth0 -j ACCEPT\n-A FORWARD -j DOCKER-USER' }),
      good: g2Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'chain-wiring')) {
      const chain = missing.expected.chain;
      const note = missing.expected.table === 'nat' && (chain === 'PREROUTING' || chain === 'OUTPUT') ? localOnlyNote(context, chain) : '';
      if (note === '') reportMissing(context, analysis, missing);
      else context.report({ message: `${missing.expected.purpose} is missing${note}`, span: missing.span, fix: addRuleCommand(analysis.family, 'nat', missing.expected.shapes[0] ?? '') });
    }
    for (const unexpected of misconfiguredOf(analysis, 'chain-wiring')) reportUnexpected(context, analysis, unexpected, 'Docker wiring rule');
    if (analysis.detection.generation !== 'G1a') checkDockerUserFirst(context, analysis);
    checkOrder(context, analysis);
  },
};

export default rule;
