import type { LintRule } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { misconfiguredOf, missingOf, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';

const rule: LintRule = {
  meta: {
    id: 'docker-icc',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Each network's inter-container-communication rule matches its `enable_icc` setting: ACCEPT (28.x/29.x: `-i <bridge> -j ACCEPT`) when icc is on, `-i <bridge> -o <bridge> -j DROP` when it is off.",
      rationale:
        'With icc=false the operator expects containers on the network to be unable to reach each other; an ACCEPT (or a missing DROP, when the FORWARD policy is ACCEPT) lets any compromised container attack its neighbours. With icc=true a DROP breaks service-to-service traffic.',
      bad: g2Example({ after: '-A FORWARD -i docker0 -o docker0 -j ACCEPT', insert: '-A FORWARD -i docker0 -o docker0 -j DROP' }),
      good: g2Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'icc')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'icc')) reportUnexpected(context, analysis, unexpected, 'has the inter-container rule');
  },
};

export default rule;
