import type { LintRule } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { misconfiguredOf, missingOf, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';

const rule: LintRule = {
  meta: {
    id: 'docker-masquerade',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Every bridge subnet with ip-masquerade on has Docker's `-A POSTROUTING -s <subnet> ! -o <bridge> -j MASQUERADE` (or SNAT with `com.docker.network.host_ipv4`), none exists for a network with ip-masquerade off or in routed mode, and the host-to-bridge MASQUERADE exists exactly when the userland proxy is off.",
      rationale:
        "Without the MASQUERADE, containers' outgoing connections leave with private source addresses and their replies never come back: the network has no Internet access. A MASQUERADE for a network that is configured without it (enable_ip_masquerade=false, routed mode) hides container addresses that the operator meant to route.",
      bad: g2Example({ remove: '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE' }),
      good: g2Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'masquerade')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'masquerade')) reportUnexpected(context, analysis, unexpected, 'has the NAT rule');
  },
};

export default rule;
