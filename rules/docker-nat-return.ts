import type { LintRule } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { misconfiguredOf, missingOf, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';

const rule: LintRule = {
  meta: {
    id: 'docker-nat-return',
    severity: 'warning',
    category: 'docker',
    docs: {
      description:
        "Up to 28.x, each masquerading bridge has `-A DOCKER -i <bridge> -j RETURN` in the nat table while the userland proxy is on; 29.x has none.",
      rationale:
        "The RETURN keeps traffic that containers send to a published host port out of Docker's DNAT, so docker-proxy serves it and replies return the same way. Without it, container-to-published-port traffic is DNATed back onto the same bridge without the hairpin MASQUERADE, and connections between containers through published ports hang.",
      bad: g2Example({ remove: '-A DOCKER -i docker0 -j RETURN' }),
      good: g2Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'nat-return')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'nat-return')) reportUnexpected(context, analysis, unexpected, 'has');
  },
};

export default rule;
