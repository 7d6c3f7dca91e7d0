import type { LintRule, RuleContext } from '../src/engine/types.js';
import type { Family } from '../grammar/ast.js';
import type { Chain } from '../src/model/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { policyCommand } from '../src/docker/fix-command.js';
import { networkLabel } from '../src/docker/findings.js';
import { chainDeclarationSpan, chainOf } from '../src/docker/model-access.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';
import { gatewayModeOf } from '../src/docker/expected-rules.js';
import { capturesOfShape } from '../src/docker/templates.js';

const rule: LintRule = {
  meta: {
    id: 'docker-forward-policy',
    severity: 'warning',
    category: 'security',
    docs: {
      description:
        "The filter FORWARD policy is DROP on a Docker host whose Docker generation relies on it (up to 27.x), or whose 28.x/29.x bridges lack the per-bridge DROP that replaced it; on 28.x/29.x with every bridge protected, a policy of ACCEPT is reported at info level.",
      rationale:
        "Up to Docker 27.x, nothing but the FORWARD policy stops direct routing to container addresses: with ACCEPT, every container port (published or not) is reachable from any host that routes to the bridge subnet — a neighbour on the LAN only needs `ip route add 172.17.0.0/16 via <host>`. Docker sets DROP itself when it enables forwarding; ACCEPT means forwarding was on before Docker started, or someone changed it. From 28.x, a DROP rule per bridge in the DOCKER chain keeps container ports closed whatever the policy, so ACCEPT no longer exposes containers; it still makes the host forward any other traffic between its interfaces (a Docker host always has forwarding on). That is reported at info level: expected on a host that is meant to route, a hand edit to undo on any other.",
      bad: g2Example({ replace: ':FORWARD DROP [0:0]', with: ':FORWARD ACCEPT [0:0]' }),
      good: g2Example(),
    },
    options: {
      hostRoutes: {
        schema: { type: 'boolean' },
        default: false,
        description:
          'This host is meant to route traffic other than Docker\'s (a router, a VPN gateway, a Kubernetes node): on Docker 28.x/29.x, a FORWARD policy of ACCEPT with every bridge protected is then expected and not reported. Exposed containers are reported whatever this option says.',
      },
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    const forward = chainOf(context.model, 'filter', 'FORWARD');
    if (!forward || forward.policy !== 'ACCEPT') return;
    const exposed = analysis.networks.map((entry) => entry.state).filter((network) => !network.internal);
    const generation = analysis.detection.generation;
    let unprotected = exposed;
    if (generation === 'G3' || generation === 'G4') {
      // 28.x/29.x protect each bridge with `DOCKER ! -i BR -o BR -j DROP`; only bridges without it depend on the policy.
      const missingDrop = new Set(
        analysis.missing
          .filter((entry) => (entry.expected.ruleShapes[0] && capturesOfShape(entry.expected.table, entry.expected.ruleShapes[0])?.templateId) === 'docker-unpublished-drop')
          .map((entry) => entry.expected.network),
      );
      unprotected = exposed.filter((network) => missingDrop.has(network.name) || gatewayModeOf(network, analysis.family) === 'nat-unprotected');
    }
    if (unprotected.length === 0) {
      if ((generation === 'G3' || generation === 'G4') && context.options['hostRoutes'] !== true) reportHostRouting(context, forward, analysis.family);
      return;
    }
    const subnets = unprotected.flatMap((network) => network.subnets.filter((subnet) => subnet.family === analysis.family).map((subnet) => subnet.cidr));
    const names = unprotected.map((network) => networkLabel(analysis, network.name)).join(', ');
    context.report({
      message: `FORWARD policy is ACCEPT and nothing else drops forwarded traffic to ${names}: every container port, published or not, is reachable from any host that routes to the bridge${subnets.length > 0 ? ` (${subnets.join(', ')})` : ''} through this host`,
      span: chainDeclarationSpan(forward),
      fix: `${policyCommand(analysis.family, 'FORWARD', 'DROP')}   # first ACCEPT the non-Docker traffic this host must forward`,
    });
  },
};

function reportHostRouting(context: RuleContext, forward: Chain, family: Family): void {
  context.report({
    severity: 'info',
    message:
      "FORWARD policy is ACCEPT: Docker's per-bridge DROP rules keep container ports closed, but this host forwards any other traffic between its interfaces. Docker 28+ sets DROP when it turns forwarding on itself, so ACCEPT means forwarding was on before Docker started, or the policy was changed by hand",
    span: chainDeclarationSpan(forward),
    fix: `${policyCommand(family, 'FORWARD', 'DROP')}   # first ACCEPT what this host must forward; if it is meant to route, set the rule option docker-forward-policy.hostRoutes instead`,
  });
}

export default rule;
