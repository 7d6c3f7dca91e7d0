import type { LintRule } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { deleteRuleCommand } from '../src/docker/fix-command.js';
import { describeRule, networkLabel } from '../src/docker/findings.js';
import { ruleSpecText } from '../src/docker/model-access.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';

const LEFTOVER = `-A POSTROUTING -s 172.18.0.0/16 ! -o br-5c0f1e2d3a4b -j MASQUERADE`;

const rule: LintRule = {
  meta: {
    id: 'docker-stale-rule',
    severity: 'warning',
    category: 'docker',
    docs: {
      description:
        "Docker rules for bridges, subnets, containers or ports that the expected state does not have (removed networks, stopped containers, ports no longer published), rules of another Docker generation, and Docker rules present twice.",
      rationale:
        'Docker flushes its own chains at start but never the built-in ones (FORWARD up to 27.x, nat POSTROUTING, raw PREROUTING), and a crash or manual edit leaves per-container rules behind. A stale DNAT or ACCEPT keeps a port open to whichever container gets the address next; a stale MASQUERADE or FORWARD ACCEPT keeps forwarding a subnet nobody manages.',
      bad: g2Example({ after: '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE', insert: LEFTOVER }),
      good: g2Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const unexpected of analysis.unexpected) {
      if (!unexpected.stale || unexpected.paired) continue;
      const classified = unexpected.classified;
      const owner = classified.network ? `${networkLabel(analysis, classified.network)}: ` : '';
      context.report({
        message: `${owner}stale Docker rule \`${describeRule(classified)}\` (${classified.rule.table} table): ${unexpected.reason}`,
        span: classified.rule.span,
        fix: deleteRuleCommand(analysis.family, classified.rule),
      });
    }
    for (const duplicate of analysis.duplicates) {
      const [first, ...rest] = duplicate.rules;
      if (!first) continue;
      for (const copy of rest) {
        context.report({
          message: `${duplicate.network ? `${networkLabel(analysis, duplicate.network)}: ` : ''}Docker rule \`-A ${copy.chain} ${ruleSpecText(copy)}\` is present twice (first at line ${first.span.line}): Docker re-added it without removing the old copy`,
          span: copy.span,
          fix: deleteRuleCommand(analysis.family, copy),
          related: [{ message: 'first copy', span: first.span }],
        });
      }
    }
    const conflict = analysis.detection.conflict;
    const anchor = analysis.detection.evidence.find((evidence) => evidence.span)?.span;
    if (conflict && anchor) context.report({ message: `Docker version and dump disagree: ${conflict}`, span: anchor, severity: 'info' });
  },
};

export default rule;
