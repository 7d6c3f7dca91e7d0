import type { LintRule } from '../src/engine/types.js';
import { g4Example } from '../src/docker/doc-examples.js';
import { misconfiguredOf, missingOf, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';

const rule: LintRule = {
  meta: {
    id: 'docker-bridge-forwarding',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Each bridge network has the forwarding rules its Docker generation gives it: the conntrack ACCEPT for replies, the jump into DOCKER for traffic to the bridge, the ACCEPT for traffic leaving it, and (28.x/29.x) the DOCKER DROP that keeps unpublished container ports closed — or the gateway mode's variant of them.",
      rationale:
        'Without the conntrack ACCEPT, replies to container-initiated connections are dropped (or left to the FORWARD policy); without the jump into DOCKER no published port is forwarded; without `-A DOCKER ! -i <bridge> -o <bridge> -j DROP` every container port is reachable from any host that routes to the bridge subnet, because 28.x/29.x rely on that DROP instead of the FORWARD policy.',
      bad: g4Example({ remove: '-A DOCKER ! -i docker0 -o docker0 -j DROP' }),
      good: g4Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'bridge-forwarding')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'bridge-forwarding')) reportUnexpected(context, analysis, unexpected, 'has the forwarding rule');
  },
};

export default rule;
