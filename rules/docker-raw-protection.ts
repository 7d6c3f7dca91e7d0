import type { LintRule } from '../src/engine/types.js';
import { g4Example } from '../src/docker/doc-examples.js';
import { misconfiguredOf, missingOf, reportMissing, reportUnexpected } from '../src/docker/findings.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';

const rule: LintRule = {
  meta: {
    id: 'docker-raw-protection',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "Docker 28+ blocks direct access to container addresses in the raw table: per published port (28.0.0–28.1.x) or per endpoint (28.2+, 29.x) for nat-mode networks, and for ports published on 127.0.0.1 from non-loopback interfaces. Those DROPs are present where the generation installs them.",
      rationale:
        "Without the raw DROP, any host on the local network that routes the container subnet via this host reaches container ports directly, bypassing the port mapping; a port published only on 127.0.0.1 becomes reachable from L2 neighbours (moby#45610, CVE-2025-54388 after firewalld reloads).",
      bad: g4Example({ remove: '-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP' }),
      good: g4Example(),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    for (const missing of missingOf(analysis, 'raw-protection')) reportMissing(context, analysis, missing);
    for (const unexpected of misconfiguredOf(analysis, 'raw-protection')) reportUnexpected(context, analysis, unexpected, 'has the raw-table rule');
  },
};

export default rule;
