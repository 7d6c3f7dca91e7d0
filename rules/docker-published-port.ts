import type { LintRule, RuleContext } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { addRuleCommand, deleteRuleCommand } from '../src/docker/fix-command.js';
import { describeRule, ruleWords, misconfiguredOf, missingOf, networkLabel, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';
import { capturesOfShape } from '../src/docker/templates.js';
import type { ClassifiedRule, DockerAnalysis, PortDisagreement } from '../src/docker/types.js';

const FIELDS: [string, string][] = [
  ['CADDR', 'container address'],
  ['CIP', 'container address'],
  ['CPORT', 'container port'],
  ['HPORT', 'host port'],
  ['HIP', 'host address'],
  ['PROTO', 'protocol'],
  ['BR', 'bridge'],
];

function differences(pair: PortDisagreement): string {
  const want = pair.missing.expected;
  const expected = (want.ruleShapes[0] && capturesOfShape(want.table, want.ruleShapes[0])?.captures) ?? {};
  const actual = pair.actual.captures;
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const [key, label] of FIELDS) {
    if (seen.has(label) || expected[key] === undefined || actual[key] === undefined || expected[key] === actual[key]) continue;
    seen.add(label);
    parts.push(`${label} ${actual[key]} instead of ${expected[key]}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'its shape';
}

function reportDisagreement(context: RuleContext, analysis: DockerAnalysis, pair: PortDisagreement): void {
  const want = pair.missing.expected;
  const container = want.container ? `, container "${want.container}"` : '';
  const wanted = want.shapes[0] ?? '';
  const second = pair.alsoExplains ? ` (and the DNAT that this ACCEPT would belong to is missing: ${pair.alsoExplains.expected.purpose})` : '';
  context.report({
    message: `${networkLabel(analysis, want.network)}${container}: the ${want.purpose} disagrees with the rule at line ${pair.actual.rule.span.line}: ${differences(pair)}${second}; expected \`${wanted}\``,
    span: pair.actual.rule.span,
    fix: `${deleteRuleCommand(analysis.family, pair.actual.rule)} && ${addRuleCommand(analysis.family, want.table, wanted)}`,
  });
}

/** 28.x/29.x: a port ACCEPT below its bridge's `! -i BR -o BR -j DROP` never matches. */
function checkAcceptAfterDrop(context: RuleContext, analysis: DockerAnalysis): void {
  const dropByBridge = new Map<string, ClassifiedRule>();
  for (const entry of analysis.classified) {
    if (entry.templateId === 'docker-unpublished-drop' && entry.captures['BR'] && !dropByBridge.has(entry.captures['BR'])) dropByBridge.set(entry.captures['BR'], entry);
  }
  for (const accept of analysis.classified.filter((entry) => entry.templateId === 'port-accept')) {
    const drop = dropByBridge.get(accept.captures['BR'] ?? '');
    if (!drop || drop.rule.index > accept.rule.index) continue;
    context.report({
      message: `${networkLabel(analysis, accept.network)}${accept.container ? `, container "${accept.container}"` : ''}: the published-port ACCEPT \`${describeRule(accept)}\` comes after \`${describeRule(drop)}\` (line ${drop.rule.span.line}) and never matches: the port is unreachable`,
      span: accept.rule.span,
      fix: `${deleteRuleCommand(analysis.family, accept.rule)} && ${addRuleCommand(analysis.family, 'filter', ruleWords(accept), 1)}`,
      related: [{ message: "the bridge's DROP that shadows it", span: drop.rule.span }],
    });
  }
}

const rule: LintRule = {
  meta: {
    id: 'docker-published-port',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Every published port has its nat DNAT, its filter DOCKER ACCEPT and, where the generation uses one, its hairpin MASQUERADE, all naming the same container address and ports, and agreeing with the container's port bindings.",
      rationale:
        'A DNAT without its ACCEPT makes the port unreachable (or, with FORWARD policy ACCEPT, reachable only by luck); an ACCEPT without a DNAT, or one naming another container, opens a container port nobody published; a DNAT to the wrong address sends the traffic to another container. All three happen after container restarts with changed addresses and manual clean-ups.',
      bad: g2Example({ replace: '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT', with: '-A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT' }),
      good: g2Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const pair of analysis.disagreements) reportDisagreement(context, analysis, pair);
    for (const missing of missingOf(analysis, 'published-port')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'published-port')) reportUnexpected(context, analysis, unexpected, 'has the port rule');
    if (analysis.detection.generation === 'G3' || analysis.detection.generation === 'G4') checkAcceptAfterDrop(context, analysis);
  },
};

export default rule;
