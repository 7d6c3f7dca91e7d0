import type { LintRule, RuleContext } from '../src/engine/types.js';
import type { Rule } from '../src/model/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { addRuleCommand, deleteRuleCommand } from '../src/docker/fix-command.js';
import { describeRule, ruleWords, misconfiguredOf, missingOf, networkLabel, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { jumpsTo, rulesOf } from '../src/docker/model-access.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';
import type { ClassifiedRule, DockerAnalysis } from '../src/docker/types.js';

const ISOLATION_CHAINS = ['DOCKER-ISOLATION', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2'];

/** G1/G2 isolation chains end with `-j RETURN`; a Docker rule appended after it never runs. */
function checkRulesAfterReturn(context: RuleContext, analysis: DockerAnalysis): void {
  for (const chain of ISOLATION_CHAINS) {
    const rules = rulesOf(context.model, 'filter', chain);
    const ret = rules.find((rule) => rule.unconditional && rule.action.kind === 'verdict' && rule.action.verdict === 'RETURN');
    if (!ret) continue;
    for (const entry of analysis.classified) {
      if (entry.rule.chain !== chain || entry.rule.index < ret.index || (entry.invariant !== 'isolation' && entry.invariant !== 'internal')) continue;
      context.report({
        message: `${networkLabel(analysis, entry.network)}: isolation rule \`${describeRule(entry)}\` comes after \`-A ${chain} -j RETURN\` (line ${ret.span.line}) and never runs, so the network is not isolated`,
        span: entry.rule.span,
        fix: `${deleteRuleCommand(analysis.family, entry.rule)} && ${addRuleCommand(analysis.family, 'filter', ruleWords(entry), ret.index + 1)}`,
        related: [{ message: 'the RETURN that ends the chain', span: ret.span }],
      });
    }
  }
}

/** The jump after which a network's own ACCEPTs may come without bypassing isolation. */
function isolationGate(context: RuleContext, analysis: DockerAnalysis): { chain: string; jump: Rule } | undefined {
  const { generation, variant } = analysis.detection;
  const find = (chain: string, target: string): { chain: string; jump: Rule } | undefined => {
    const jump = jumpsTo(context.model, 'filter', chain, target)[0];
    return jump ? { chain, jump } : undefined;
  };
  if (generation === 'G1a' || generation === 'G1b') return find('FORWARD', 'DOCKER-ISOLATION');
  if (generation === 'G2' || (generation === 'G3' && variant === '28.0.0')) return find('FORWARD', 'DOCKER-ISOLATION-STAGE-1');
  if (generation === 'G3') return find('DOCKER-FORWARD', 'DOCKER-ISOLATION-STAGE-1');
  if (generation === 'G4') return find('DOCKER-FORWARD', 'DOCKER-BRIDGE');
  return undefined;
}

const BYPASSING = new Set(['forward-outgoing', 'forward-in-accept', 'docker-forward-in-accept', 'docker-forward-outgoing']);

function checkAcceptsBeforeIsolation(context: RuleContext, analysis: DockerAnalysis): void {
  const gate = isolationGate(context, analysis);
  if (!gate) return;
  const early = analysis.classified.filter(
    (entry: ClassifiedRule) => BYPASSING.has(entry.templateId) && entry.rule.chain === gate.chain && entry.rule.index < gate.jump.index,
  );
  for (const entry of early) {
    context.report({
      message: `${networkLabel(analysis, entry.network)}: \`${describeRule(entry)}\` accepts traffic from the bridge before \`-j ${gate.jump.action.kind === 'jump' ? gate.jump.action.chain : ''}\` (line ${gate.jump.span.line}), so containers on it reach other Docker networks despite isolation`,
      span: entry.rule.span,
      fix: `${deleteRuleCommand(analysis.family, entry.rule)} && ${addRuleCommand(analysis.family, 'filter', ruleWords(entry))}`,
      related: [{ message: 'the isolation jump it should follow', span: gate.jump.span }],
    });
  }
}

const rule: LintRule = {
  meta: {
    id: 'docker-isolation',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Every non-internal bridge has its generation's isolation rules (pairwise DOCKER-ISOLATION DROPs before 18.05, DOCKER-ISOLATION-STAGE-1/2 up to 28.x), they sit before the chain's RETURN, and no network ACCEPTs its traffic before the isolation jump.",
      rationale:
        "Docker promises that containers on different user-defined networks cannot reach each other. If a network's STAGE-1 or STAGE-2 rule is missing, or runs after the RETURN, or an ACCEPT for the bridge comes first, that promise is silently broken and a compromised container can reach every other network's services.",
      bad: g2Example({ remove: '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP' }),
      good: g2Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'isolation')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'isolation')) reportUnexpected(context, analysis, unexpected, 'has the isolation rule');
    checkRulesAfterReturn(context, analysis);
    checkAcceptsBeforeIsolation(context, analysis);
  },
};

export default rule;
