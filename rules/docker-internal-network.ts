import type { LintRule } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { misconfiguredOf, missingOf, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';

const INTERNAL = `-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A FORWARD -i internal1 -o internal1 -j ACCEPT`;
const INTERNAL_DROPS = `-A DOCKER-ISOLATION-STAGE-1 ! -s 10.10.0.0/24 -o internal1 -j DROP
-A DOCKER-ISOLATION-STAGE-1 ! -d 10.10.0.0/24 -i internal1 -j DROP`;

const good = g2Example(
  { replace: '-A FORWARD -i docker0 -o docker0 -j ACCEPT', with: INTERNAL },
  { after: '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2', insert: INTERNAL_DROPS },
);

const rule: LintRule = {
  meta: {
    id: 'docker-internal-network',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Each `--internal` network has both of Docker's subnet DROPs (in DOCKER-ISOLATION, DOCKER-ISOLATION-STAGE-1 or, 29.x, DOCKER-INTERNAL): nothing from outside its subnet may enter the bridge, nothing may leave it for another subnet.",
      rationale:
        'An internal network is how Docker users keep databases and back-ends off the network. If either DROP is missing, containers on it can reach the outside world (or be reached from it) as soon as the FORWARD policy or another ACCEPT lets the packet through.',
      bad: good.replace('-A DOCKER-ISOLATION-STAGE-1 ! -d 10.10.0.0/24 -i internal1 -j DROP\n', ''),
      good,
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'internal')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'internal')) reportUnexpected(context, analysis, unexpected, 'has the internal-network DROP');
  },
};

export default rule;
